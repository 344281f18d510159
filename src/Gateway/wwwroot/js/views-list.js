// The conversation list.

import { state } from "./state.js";
import { $, el, fillAvatar, formatListTime } from "./dom.js";
import { openConversation } from "./conversations.js";
import { paintAvatar } from "./profiles.js";
import { previewText } from "./quotes.js";
import { systemText } from "./views-message.js";

function preview(message) {
  if (!message) return "";
  if (message.kind === "system") return systemText(message);
  if (message.recalled || message.deleted) return previewText(message);
  return (message.senderId === state.store.me ? "You: " : "") + previewText(message);
}

export function renderList() {
  const list = $("conv-list");
  const conversations = state.store.sortedConversations();
  $("empty-list").hidden = conversations.length > 0;
  const total = state.store.totalUnread();
  const totalBadge = $("total-unread");
  totalBadge.hidden = total <= 0;
  totalBadge.textContent = total > 99 ? "99+" : String(total);
  document.title = total > 0 ? `(${total}) Im.Orleans chat` : "Im.Orleans chat";

  const items = conversations.map((view) => {
    const id = view.conversationId;
    const title = state.store.titleOf(view);
    const peer = state.store.peerOf(view);
    const avatar = el("div", { class: "avatar" });
    if (peer) paintAvatar(avatar, peer, state.store.presence.get(peer)?.status);
    else fillAvatar(avatar, title, id);
    const unread = Math.max(0, view.unread || 0);
    return el("li", {
      class: `conv-item${id === state.activeId ? " active" : ""}${unread ? " has-unread" : ""}`,
      testid: "conv-item", dataset: { conversationId: id, kind: view.kind, unread: String(unread) },
      onclick: () => openConversation(id),
    },
    avatar,
    el("div", { class: "conv-main" },
      el("div", { class: "conv-top" },
        el("span", { class: "conv-title", testid: "conv-title", text: title }),
        el("span", { class: "conv-time", text: view.lastMessage ? formatListTime(view.lastMessage.sentAt) : "" })),
      el("div", { class: "conv-bottom" },
        el("span", { class: "conv-last", testid: "conv-last", text: preview(view.lastMessage) || (view.kind === "group" ? `${(view.members || []).length} members` : "No messages yet") }),
        unread ? el("span", { class: "badge", testid: "conv-unread", text: unread > 99 ? "99+" : String(unread) }) : null)));
  });
  list.replaceChildren(...items);
}
