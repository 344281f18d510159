// Batches every render() of a frame into one repaint; app.js installs the painter so views stay out of this module.

import { state } from "./state.js";

let painter = () => {};
let renderQueued = false;
let renderScroll = false;

/** The function that repaints the list and the chat pane (scrollToEnd: keep the newest message in view). */
export function setPainter(paint) {
  painter = paint;
}

export function render({ scrollToEnd = false } = {}) {
  renderScroll ||= scrollToEnd;
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    const scroll = renderScroll;
    renderScroll = false;
    if (!state.store) return;
    painter({ scrollToEnd: scroll });
  });
}
