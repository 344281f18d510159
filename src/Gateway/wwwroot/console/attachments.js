// Attachments in the console's chat: images inline, other files as links, fetched with the bearer token (the page's
// CSP allows blob: images; the files endpoint wants the token).

import { state } from "./state.js";
import { el } from "./ui.js";
import { fileUrl } from "/js/api.js";

export function fillAttachment(m) {
  const a = m.attachment;
  const box = el("div", { class: "attachment" });
  const name = `${a.fileName}${a.size ? ` (${Math.max(1, Math.round(a.size / 1024))} KB)` : ""}`;
  const link = el("a", { href: "#", text: name, download: a.fileName });
  box.append(link);
  fileUrl(state.session.token, a.id).then((url) => {
    link.href = url;
    if (m.kind === "image" || /^image\//.test(a.contentType || "")) {
      box.replaceChildren(el("a", { href: url, target: "_blank", rel: "noopener" }, el("img", { src: url, alt: a.fileName })));
    }
  }).catch(() => { link.replaceWith(el("span", { class: "muted", text: `${name}: not available` })); });
  return box;
}
