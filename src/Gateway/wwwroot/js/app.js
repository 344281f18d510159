// The web client: sign-in, conversation list, chat pane. Talks to the gateway's SignalR hub (/hubs/chat) with the
// official @microsoft/signalr browser bundle (lib/signalr.min.js, global `signalR`). This entry starts a session and
// wires the page; the modules it imports do the work.
import { loadAuth } from "./api.js";
import { ChatStore } from "./store.js";
import { state } from "./state.js";
import { $, isVisible } from "./dom.js";
import { render, setPainter } from "./render.js";
import { buildConnection, connectLoop, signOut } from "./connection.js";
import { closeConversation, markRead } from "./conversations.js";
import { openDirect, openGroupDialog, submitGroup, leaveActive, blockPeer, setPresence } from "./actions.js";
import { showAuth, wireAuth } from "./views-auth.js";
import { renderList } from "./views-list.js";
import { renderChat, clearMessageNodes, loadOlder, loadOlderOnScroll, jumpToLatest } from "./views-chat.js";
import { wireComposer } from "./composer.js";
import { wireMessageMenus } from "./views-message.js";
import { wireMessageActions } from "./message-actions.js";
import { wireRecorder } from "./recorder.js";
import { wireProfile, renderMe, nameFromToken, forgetProfiles } from "./profiles.js";
import { wirePeople, renderSearch, renderContacts } from "./people.js";
import { wireAdmin, renderInfo } from "./admin.js";

setPainter(({ scrollToEnd }) => {
  renderMe();
  renderList();
  renderChat({ scrollToEnd });
  renderInfo();
  if (!$("contacts-pane").hidden) renderContacts();
});

async function startApp(auth) {
  state.session = auth;
  state.stopping = false;
  state.store = new ChatStore(auth.userId);
  // The sign-in answers carry no display name; the token's name claim has it until GetProfiles answers.
  const name = auth.displayName || nameFromToken(auth.token);
  if (name) state.store.names.set(auth.userId, name);
  state.activeId = null;
  state.compose = null;
  state.divider = null;
  forgetProfiles();
  clearMessageNodes();
  $("auth").hidden = true;
  $("app").hidden = false;
  renderMe();
  renderSearch();
  $("presence-select").value = localStorage.getItem(`im.presence.${auth.userId}`) || "online";
  localStorage.removeItem(`im.receipts.${auth.userId}`); // receipts now come from the server (GetReads)
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
  $("jump-latest").addEventListener("click", jumpToLatest);
  $("unblock").addEventListener("click", blockPeer);
  wireComposer();
  wireMessageMenus();
  wireMessageActions();
  wireRecorder();
  wireProfile();
  wirePeople();
  wireAdmin();
  document.addEventListener("visibilitychange", () => { if (isVisible() && state.activeId) markRead(state.activeId); });
  window.addEventListener("focus", () => { if (state.activeId) markRead(state.activeId); });
  // Another window signed out (or in as someone else): follow it.
  window.addEventListener("storage", (event) => {
    if (event.key === "im.auth" && (event.newValue === null || JSON.parse(event.newValue || "{}").userId !== state.session?.userId)) location.reload();
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
  /** Drops the hub connection as a network failure would (the client reconnects by itself). */
  dropConnection: () => state.connection?.stop(),
};

wire();
const saved = loadAuth();
if (saved) startApp(saved);
else showAuth();
