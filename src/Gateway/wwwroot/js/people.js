// Finding people and things: the sidebar's search (people, groups and chats, messages; opening a conversation at
// a hit), the Chats / Contacts tabs, and the contacts page (add, remove, blocked people with Unblock).

import { state } from "./state.js";
import { $, el, toast, formatListTime } from "./dom.js";
import { errorCode, friendly } from "./errors.js";
import { call, missingMethod } from "./hub.js";
import { render } from "./render.js";
import { openConversation, openAt } from "./conversations.js";
import { openDirectWith, setBlocked } from "./actions.js";
import { paintAvatar, loadProfiles } from "./profiles.js";
import { fillAvatar } from "./dom.js";
import { previewText } from "./quotes.js";

const SEARCH_DELAY_MS = 250;
let searchTimer = 0;
let searchRun = 0; // answers of an older query are dropped
let results = null; // { query, people, chats, hits, next, messagesUnsupported }
let contacts = []; // user ids
let pane = "chats";

function personRow(userId, { testid = "search-person", action = null } = {}) {
  const avatar = el("div", { class: "avatar" });
  paintAvatar(avatar, userId, state.store.presence.get(userId)?.status);
  const name = state.store.nameOf(userId);
  return el("li", { class: "conv-item person", testid, dataset: { userId }, onclick: () => chatWith(userId) },
    avatar,
    el("div", { class: "conv-main" },
      el("div", { class: "conv-top" }, el("span", { class: "conv-title", text: name })),
      el("div", { class: "conv-bottom" }, el("span", { class: "conv-last", text: userId }))),
    action);
}

async function chatWith(userId) {
  if (await openDirectWith(userId)) clearSearch();
}

function clearSearch() {
  const input = $("new-direct-input");
  input.value = "";
  results = null;
  renderSearch();
}

function section(title, items, empty = null) {
  if (!items.length && !empty) return null;
  return el("section", { class: "search-section" },
    el("div", { class: "list-head" }, el("span", { text: title })),
    items.length ? el("ul", { class: "conv-list" }, items) : el("p", { class: "empty-list", text: empty }));
}

export function renderSearch() {
  const box = $("search-results");
  const searching = !!results;
  box.hidden = !searching;
  $("side-tabs").hidden = searching;
  $("chats-pane").hidden = searching || pane !== "chats";
  $("contacts-pane").hidden = searching || pane !== "contacts";
  if (!searching) return;
  const { query, people, chats, hits, next, messagesUnsupported, busy } = results;
  const exact = /^[A-Za-z0-9_.@-]{3,64}$/.test(query) && !people.includes(query) && query !== state.store.me && !people.length;
  const peopleRows = people.map((id) => personRow(id, { action: contacts.includes(id) ? null
    : el("button", { type: "button", class: "row-action", testid: "search-add-contact", text: "Add contact",
      onclick: (event) => { event.stopPropagation(); addContactId(id); } }) }));
  // Someone not listed in search can still be reached by their exact id: offered last, once the search is done.
  const byId = exact && !busy ? el("button", { type: "button", class: "more-results", testid: "search-chat-with",
    text: `Start a chat with the user id "${query}"`, onclick: () => chatWith(query) }) : null;
  const chatRows = chats.map((view) => {
    const avatar = el("div", { class: "avatar" });
    const peer = state.store.peerOf(view);
    if (peer) paintAvatar(avatar, peer); else fillAvatar(avatar, state.store.titleOf(view), view.conversationId);
    return el("li", { class: "conv-item", testid: "search-chat", dataset: { conversationId: view.conversationId },
      onclick: () => { clearSearch(); openConversation(view.conversationId); } },
    avatar, el("div", { class: "conv-main" }, el("span", { class: "conv-title", text: state.store.titleOf(view) })));
  });
  const hitRows = hits.map((m) => el("li", { class: "conv-item hit", testid: "search-hit", dataset: { conversationId: m.conversationId, seq: String(m.seq) },
    onclick: () => { clearSearch(); openAt(m.conversationId, m.seq); } },
  el("div", { class: "conv-main" },
    el("div", { class: "conv-top" },
      el("span", { class: "conv-title", text: state.store.titleOf(state.store.conversations.get(m.conversationId)) || m.conversationId }),
      el("span", { class: "conv-time", text: formatListTime(m.sentAt) })),
    el("div", { class: "conv-bottom" }, el("span", { class: "conv-last" },
      `${m.senderId === state.store.me ? "You" : state.store.nameOf(m.senderId)}: `, marked(previewText(m), query))))));
  const more = next ? el("button", { type: "button", class: "more-results", testid: "search-more", text: "More messages", onclick: () => searchMessages(query, next) }) : null;
  box.replaceChildren(...[
    section("People", peopleRows, busy ? "Searching…" : "No people found"),
    section("Groups and chats", chatRows),
    messagesUnsupported ? null : section("Messages", hitRows, busy ? "Searching…" : "No messages found"),
    more, byId].filter(Boolean));
}

/** The text with the words that start like a query word in <mark>. */
function marked(text, query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return text.split(/(\s+)/).map((part) => (words.some((w) => part.toLowerCase().startsWith(w)) ? el("mark", { text: part }) : part));
}

/** Local matches first (instant), then the server's people, conversations and messages. */
function search(query) {
  const run = ++searchRun;
  const q = query.toLowerCase();
  const localChats = [...state.store.conversations.values()].filter((v) => state.store.titleOf(v).toLowerCase().includes(q));
  const known = new Set();
  for (const view of state.store.conversations.values()) for (const m of view.members || []) if (m.userId !== state.store.me) known.add(m.userId);
  for (const id of contacts) known.add(id);
  const localPeople = [...known].filter((id) => id.toLowerCase().startsWith(q) || state.store.nameOf(id).toLowerCase().split(/\s+/).some((w) => w.startsWith(q)));
  results = { query, people: localPeople, chats: localChats, hits: [], next: null, busy: true, messagesUnsupported: false };
  renderSearch();
  clearTimeout(searchTimer);
  searchTimer = setTimeout(async () => {
    const [people, chats, messages] = await Promise.allSettled([
      call("SearchUsers", [{ query, limit: 20 }]),
      call("SearchConversations", [{ query }]),
      call("SearchMessages", [{ query, limit: 20 }]),
    ]);
    if (run !== searchRun || !results) return;
    if (people.status === "fulfilled") {
      for (const p of people.value || []) state.store.applyProfile(p);
      results.people = [...new Set([...results.people, ...(people.value || []).map((p) => p.userId)])];
    }
    if (chats.status === "fulfilled") {
      for (const v of chats.value || []) if (!results.chats.some((c) => c.conversationId === v.conversationId)) results.chats.push(v);
    }
    if (messages.status === "fulfilled") { results.hits = messages.value?.hits || []; results.next = messages.value?.next || null; }
    else results.messagesUnsupported = missingMethod(messages.reason) || errorCode(messages.reason) === "invalid";
    results.busy = false;
    renderSearch();
  }, SEARCH_DELAY_MS);
}

async function searchMessages(query, before) {
  try {
    const page = await call("SearchMessages", [{ query, before, limit: 20 }]);
    if (!results || results.query !== query) return;
    results.hits.push(...(page?.hits || []));
    results.next = page?.next || null;
    renderSearch();
  } catch (error) {
    toast(friendly(error, "search"), true);
  }
}

// ---------- contacts ----------

export async function loadContacts() {
  try {
    contacts = (await call("ListContacts")) || [];
  } catch { contacts = []; }
  try {
    for (const id of (await call("ListBlocked")) || []) state.store.blocked.add(id);
  } catch { /* an older server: blocks made here still show */ }
  loadProfiles([...contacts, ...state.store.blocked]);
  contactPresence(contacts);
  renderContacts();
  render();
}

/** Contacts get each other's presence pushes; this fills in where they are now. */
function contactPresence(ids) {
  if (!ids.length) return;
  call("GetPresence", [ids.slice(0, 200)]).then((list) => {
    for (const p of list || []) state.store.presence.set(p.userId, p);
    render();
  }).catch(() => { /* the dots wait for pushes */ });
}

export function renderContacts() {
  $("contacts-empty").hidden = contacts.length > 0;
  $("contact-list").replaceChildren(...[...contacts].sort((a, b) => state.store.nameOf(a).localeCompare(state.store.nameOf(b))).map((id) =>
    personRow(id, { testid: "contact", action: el("button", { type: "button", class: "row-action", testid: "contact-remove", text: "Remove",
      onclick: (event) => { event.stopPropagation(); removeContact(id); } }) })));
  const blocked = [...state.store.blocked];
  $("blocked-head").hidden = blocked.length === 0;
  $("blocked-list").replaceChildren(...blocked.map((id) =>
    personRow(id, { testid: "blocked-person", action: el("button", { type: "button", class: "row-action", testid: "blocked-unblock", text: "Unblock",
      onclick: async (event) => { event.stopPropagation(); await setBlocked(id, false); renderContacts(); } }) })));
}

async function addContact(event) {
  event.preventDefault();
  const input = $("add-contact-input");
  const id = input.value.trim();
  if (id && await addContactId(id)) input.value = "";
}

/** Adds a contact; answers whether it was added. */
async function addContactId(id) {
  try {
    await call("AddContact", [id]);
    if (!contacts.includes(id)) contacts.push(id);
    loadProfiles([id]);
    contactPresence([id]);
    toast(`${state.store.nameOf(id)} is now a contact`);
    renderContacts();
    if (results) renderSearch();
    return true;
  } catch (error) {
    const code = errorCode(error);
    toast(code === "not_found" ? `No user "${id}"` : code === "invalid" && id === state.store.me ? "That is you." : friendly(error, "user"), true);
    return false;
  }
}

async function removeContact(id) {
  try {
    await call("RemoveContact", [id]);
    contacts = contacts.filter((c) => c !== id);
    renderContacts();
  } catch (error) {
    toast(friendly(error), true);
  }
}

function showPane(name) {
  pane = name;
  for (const tab of document.querySelectorAll(".side-tab")) tab.classList.toggle("active", tab.dataset.pane === name);
  if (name === "contacts") loadContacts();
  renderSearch();
}

export function wirePeople() {
  const input = $("new-direct-input");
  input.addEventListener("input", () => {
    const query = input.value.trim();
    if (!query) { results = null; searchRun++; renderSearch(); return; }
    search(query);
  });
  input.addEventListener("keydown", (event) => { if (event.key === "Escape") clearSearch(); });
  $("add-contact").addEventListener("submit", addContact);
  for (const tab of document.querySelectorAll(".side-tab")) tab.addEventListener("click", () => showPane(tab.dataset.pane));
}
