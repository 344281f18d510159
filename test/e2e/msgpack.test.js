// The MessagePack hub protocol with the official JS client (@microsoft/signalr-protocol-msgpack): every payload is
// the one a JSON connection of the same user gets, and errors have the same codes and texts.
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import { startGateway } from "./lib/gateway.js";
import { ChatClient, makeUsers, refusal, signalR } from "./lib/chat.js";

let gateway;
const clients = [];
before(async () => { gateway = await startGateway({ name: "msgpack" }); });
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await gateway?.stop();
});

async function connect(user, name, protocol = null) {
  const client = await ChatClient.connect(gateway.url, user.token, signalR.HttpTransportType.WebSockets, { name, protocol });
  clients.push(client);
  return client;
}

it("MessagePack clients get the JSON payloads and error texts", { timeout: 60_000 }, async () => {
  const [alice, bob] = await makeUsers(gateway.url, 2, "pack");
  const alicePack = await connect(alice, "alice-msgpack", new MessagePackHubProtocol());
  const aliceJson = await connect(alice, "alice-json");
  const bobJson = await connect(bob, "bob-json");

  const group = await alicePack.invoke("CreateGroup", { title: "Pack", memberIds: [bob.userId] });
  const id = group.conversationId;
  assert.deepEqual(await alicePack.invoke("ListConversations"), await aliceJson.invoke("ListConversations"));

  const ack = await alicePack.invoke("Send", { conversationId: id, clientMsgId: "p1", kind: "text", text: "héllo 😀" });
  assert.equal(ack.seq, 1);
  assert.equal(typeof ack.sentAt, "string", "timestamps are the JSON protocol's ISO 8601 strings");
  const packed = await alicePack.waitFor("message", (m) => m.seq === 1);
  assert.deepEqual(packed, await aliceJson.waitFor("message", (m) => m.seq === 1));
  assert.equal(packed.text, "héllo 😀");

  await bobJson.invoke("Send", { conversationId: id, clientMsgId: "j1", kind: "text", text: "from json", replyToSeq: 1 });
  assert.deepEqual(
    await alicePack.waitFor("message", (m) => m.seq === 2),
    await aliceJson.waitFor("message", (m) => m.seq === 2));
  assert.deepEqual(await alicePack.invoke("History", id, 100, 50), await aliceJson.invoke("History", id, 100, 50));
  const cursors = { cursors: { [id]: 0 } };
  assert.deepEqual(await alicePack.invoke("Sync", cursors), await aliceJson.invoke("Sync", cursors));

  const tooLong = { conversationId: id, clientMsgId: "long", kind: "text", text: "t".repeat(4001) };
  const packError = await refusal(alicePack.invoke("Send", tooLong));
  assert.equal(packError.code, "invalid");
  assert.equal(packError.message, (await refusal(aliceJson.invoke("Send", tooLong))).message);
});
