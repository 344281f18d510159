// The web client: sign-in, conversation list, chat pane. Talks to the gateway's SignalR hub (/hubs/chat) with the
// official @microsoft/signalr browser bundle (lib/signalr.min.js, global `signalR`). This entry starts a session and
// wires the page; the modules it imports do the work.
import { loadAuth } from "./api.js";
import { ChatStore } from "./store.js";
import { state } from "./state.js";
import { $, fillAvatar, isVisible } from "./dom.js";
import { render, setPainter } from "./render.js";
import { buildConnection, connectLoop, signOut } from "./connection.js";
import { closeConversation, markRead } from "./conversations.js";
import { receiptsKey, loadReceipts } from "./receipts.js";
import { openDirect, openGroupDialog, submitGroup, leaveActive, blockPeer, setPresence } from "./actions.js";
import { showAuth, wireAuth } from "./views-auth.js";
import { renderList, renderKnownUsers } from "./views-list.js";
import { renderChat, clearMessageNodes, loadOlder, loadOlderOnScroll } from "./views-chat.js";
import { wireComposer } from "./composer.js";

setPainter(({ scrollToEnd }) => {
  renderList();
  renderKnownUsers();
  renderChat({ scrollToEnd });
});

async function startApp(auth) {
  state.session = auth;
  state.stopping = false;
  state.store = new ChatStore(auth.userId);
  if (auth.displayName) state.store.names.set(auth.userId, auth.displayName);
  state.activeId = null;
  clearMessageNodes();
  $("auth").hidden = true;
  $("app").hidden = false;
  $("me-name").textContent = auth.displayName || auth.userId;
  $("me-id").textContent = auth.userId;
  fillAvatar($("me-avatar"), auth.displayName || auth.userId, auth.userId);
  $("presence-select").value = localStorage.getItem(`im.presence.${auth.userId}`) || "online";
  loadReceipts();
  render();
  state.connection = buildConnection();
  await connectLoop();
}

function wire() {
  wireAuth(startApp);
  $("logout").addEventListener("click", () => signOut());
  $("presence-select").addEventListener("change", setPresence);
  $("new-direct").addEventListener("submit", openDirect);
  $("new-group-button").addEventListener("click", () => openGroupDialog("create"));
  $("add-members").addEventListener("click", () => openGroupDialog("add"));
  $("leave").addEventListener("click", leaveActive);
  $("block").addEventListener("click", blockPeer);
  $("group-form").addEventListener("submit", submitGroup);
  $("back").addEventListener("click", closeConversation);
  $("load-older").addEventListener("click", loadOlder);
  $("messages").addEventListener("scroll", loadOlderOnScroll);
  wireComposer();
  document.addEventListener("visibilitychange", () => { if (isVisible() && state.activeId) markRead(state.activeId); });
  window.addEventListener("focus", () => { if (state.activeId) markRead(state.activeId); });
  // Another window signed out (or in as someone else): follow it.
  window.addEventListener("storage", (event) => {
    if (event.key === "im.auth" && (event.newValue === null || JSON.parse(event.newValue || "{}").userId !== state.session?.userId)) location.reload();
    if (state.store && state.session && event.key === receiptsKey()) { loadReceipts(); render(); }
  });
  setInterval(() => { if (state.store) render(); }, 30000); // recall buttons expire, "last seen" and list times age
}

// Test hooks (read-only views of the client's state for the browser tests).
window.__im = {
  get activeConversationId() { return state.activeId; },
  get connectionId() { return state.connection?.connectionId ?? null; },
  get connectionState() { return state.connection?.state ?? "Disconnected"; },
  get userId() { return state.session?.userId ?? null; },
  get duplicatesDropped() { return state.store?.duplicatesDropped ?? 0; },
  cursors: () => state.store?.cursors() ?? {},
};

wire();
const saved = loadAuth();
if (saved) startApp(saved);
else showAuth();
