// argmap's progressive enhancements. Every page works without this file; with it:
// - on a source page, selecting words in a passage (snapped to whole words, even when the
//   drag starts on an already quoted, highlighted passage) offers to add a claim quoting them;
// - while a claim is typed, claims already in the map that look like it are shown;
// - a target field lists the claims and proposals its words match, to choose one.
"use strict";

// Calls `act` with the field's words, trimmed, once typing in `input` pauses for `ms`.
function onTypingPause(input, ms, act) {
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => act(input.value.trim()), ms);
  });
}

// What `url` answers in JSON, or null when it answers with an error.
async function getJson(url) {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  return response.ok ? response.json() : null;
}

(function selectToQuote() {
  const article = document.querySelector("article.source-page[data-source]");
  if (!article || !article.querySelector("a.add-claim")) return; // signed-in readers only
  const source = article.dataset.source;
  const button = document.createElement("a");
  button.className = "quote-button";
  button.textContent = "Add a claim quoting this";
  button.hidden = true;
  document.body.appendChild(button);

  function update() {
    const selection = window.getSelection();
    const text = selection ? selection.toString().trim() : "";
    if (!text || selection.rangeCount === 0) {
      button.hidden = true;
      return;
    }
    const range = selection.getRangeAt(0);
    const start = range.startContainer.parentElement && range.startContainer.parentElement.closest("section.segment");
    const end = range.endContainer.parentElement && range.endContainer.parentElement.closest("section.segment");
    if (!start || start !== end) {
      button.hidden = true; // a quote lies within one passage
      return;
    }
    const params = new URLSearchParams({ segment: start.id, quote: text });
    button.href = "/sources/" + encodeURIComponent(source) + "/claims/new?" + params.toString();
    const rect = range.getBoundingClientRect();
    button.style.top = window.scrollY + rect.bottom + 8 + "px";
    button.style.left = Math.max(8, Math.min(window.scrollX + rect.left, window.innerWidth - 240)) + "px";
    button.hidden = false;
  }
  document.addEventListener("selectionchange", update);

  // A drag may start on a highlighted (already quoted) passage, which is a link: browsers
  // would drag the link (or select nothing), so such a drag selects words here instead,
  // and the link is followed on a click, not at the end of a drag.
  function caretAt(x, y) {
    if (document.caretPositionFromPoint) {
      const position = document.caretPositionFromPoint(x, y);
      return position ? [position.offsetNode, position.offset] : null;
    }
    const range = document.caretRangeFromPoint && document.caretRangeFromPoint(x, y);
    return range ? [range.startContainer, range.startOffset] : null;
  }
  let drag = null;
  let dragged = false;
  article.addEventListener("mousedown", (event) => {
    const link = event.target.closest("mark a");
    if (!link || event.button !== 0 || event.shiftKey || event.ctrlKey || event.metaKey || event.altKey) return;
    const caret = caretAt(event.clientX, event.clientY);
    if (!caret) return;
    event.preventDefault();
    window.getSelection().removeAllRanges();
    drag = { node: caret[0], offset: caret[1], x: event.clientX, y: event.clientY, moved: false };
  });
  document.addEventListener("mousemove", (event) => {
    if (!drag) return;
    if (!drag.moved && Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < 4) return;
    drag.moved = true;
    const caret = caretAt(event.clientX, event.clientY);
    if (caret) window.getSelection().setBaseAndExtent(drag.node, drag.offset, caret[0], caret[1]);
  });
  document.addEventListener("mouseup", () => {
    if (!drag) return;
    dragged = drag.moved;
    drag = null;
  });
  article.addEventListener("click", (event) => {
    const selection = window.getSelection();
    const selecting = dragged || (selection && !selection.isCollapsed);
    dragged = false;
    if (event.target.closest("mark a") && selecting) event.preventDefault();
  });

  // A selection snaps to whole words, within its passage.
  const wordChar = /[\p{L}\p{N}'’\-]/u;
  function textOffset(root, node, offset) {
    const range = document.createRange();
    range.setStart(root, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }
  function point(root, offset) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node, last = null;
    while ((node = walker.nextNode())) {
      if (offset <= node.textContent.length) return [node, offset];
      offset -= node.textContent.length;
      last = node;
    }
    return last ? [last, last.textContent.length] : [root, 0];
  }
  function snap() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    const start = range.startContainer.parentElement && range.startContainer.parentElement.closest("section.segment .text");
    const end = range.endContainer.parentElement && range.endContainer.parentElement.closest("section.segment .text");
    if (!start || start !== end) return;
    const text = start.textContent;
    let from = textOffset(start, range.startContainer, range.startOffset);
    let to = textOffset(start, range.endContainer, range.endOffset);
    while (from < to && /\s/.test(text[from])) from++;
    while (to > from && /\s/.test(text[to - 1])) to--;
    while (from > 0 && wordChar.test(text[from - 1]) && wordChar.test(text[from])) from--;
    while (to < text.length && wordChar.test(text[to - 1]) && wordChar.test(text[to])) to++;
    const snapped = document.createRange();
    snapped.setStart(...point(start, from));
    snapped.setEnd(...point(start, to));
    if (snapped.toString() === range.toString()) return;
    selection.removeAllRanges();
    selection.addRange(snapped);
  }
  article.addEventListener("mouseup", () => setTimeout(snap, 0));
  article.addEventListener("keyup", (event) => { if (event.shiftKey) snap(); });
})();

(function similarClaims() {
  const form = document.querySelector("form[data-similar]");
  const input = form && form.querySelector("#text");
  const box = form && form.querySelector("#similar");
  if (!input || !box) return;
  let last = "";
  onTypingPause(input, 300, async (q) => {
    if (q.length < 12 || q === last) return;
    last = q;
    try {
      const claims = await getJson(form.dataset.similar + "?q=" + encodeURIComponent(q));
      if (!claims) return;
      box.replaceChildren();
      if (claims.length === 0) return;
      const heading = document.createElement("p");
      heading.textContent = "Already in the map, and alike: link to one of these rather than repeating it.";
      const list = document.createElement("ul");
      for (const claim of claims) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = "/claims/" + claim.slug;
        link.textContent = claim.text;
        link.target = "_blank";
        item.appendChild(link);
        list.appendChild(item);
      }
      box.append(heading, list);
    } catch (_) {
      /* suggestions are a nicety; the form works without them */
    }
  });
})();

// A target field (what a claim supports, attacks or undercuts) takes a few words of the
// claim or proposal; the server finds it, or offers the matches to choose from. With this,
// the matches are listed while typing, and choosing one puts its exact name in the field.
(function targetSearch() {
  for (const input of document.querySelectorAll("input[data-target-search]")) {
    const box = document.createElement("ul");
    box.className = "target-matches";
    box.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", box);
    let last = "";
    onTypingPause(input, 250, async (q) => {
      if (q === last) return;
      last = q;
      box.replaceChildren();
      if (q.length < 3 || /^(proposal:)?[a-z0-9]+(-[a-z0-9]+)*$/.test(q) && q.includes("-")) return;
      try {
        const hits = await getJson("/api/v1/search?q=" + encodeURIComponent(q));
        if (!hits) return;
        for (const hit of hits) {
          const claim = hit.url.match(/^\/claims\/([^/#?]+)$/);
          const proposal = hit.url.match(/^\/proposals\/([^/#?]+)$/);
          if (!claim && !proposal) continue;
          const item = document.createElement("li");
          const choose = document.createElement("button");
          choose.type = "button";
          choose.textContent = (proposal ? "Proposal: " : "") + hit.title;
          choose.addEventListener("click", () => {
            input.value = claim ? claim[1] : "proposal:" + proposal[1];
            last = input.value;
            box.replaceChildren();
            const chosen = document.createElement("li");
            chosen.className = "chosen";
            chosen.textContent = "Chosen: " + hit.title;
            box.appendChild(chosen);
          });
          item.appendChild(choose);
          box.appendChild(item);
        }
      } catch (_) {
        /* the server resolves the words on submit without this */
      }
    });
  }
})();
