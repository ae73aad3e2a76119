// The copy button of every code block. What a button copies was decided at build time
// (docs/_ext/copy_button.py): block "copy-text-N" copies entry N of <script id="copy-texts">.
// Nothing here guesses prompts or output.
"use strict";

(() => {
  const LABEL = "복사";
  const DONE = "복사했습니다";
  const FAILED = "복사하지 못했습니다. 직접 선택해 복사하십시오";
  const RESET_AFTER_MS = 2000;
  const INDEX = /^copy-text-(\d+)$/;
  const ICON =
    '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="16" height="16" ' +
    'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" ' +
    'stroke-linejoin="round"><rect x="9" y="9" width="12" height="12" rx="2"/>' +
    '<path d="M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1"/></svg>';

  function copyTexts() {
    const data = document.getElementById("copy-texts");
    return data ? JSON.parse(data.textContent) : [];
  }

  // execCommand("copy") for browsers without the async clipboard (or refusing it).
  function copyWithSelection(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.opacity = "0";
    document.body.append(area);
    const focused = document.activeElement;
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    if (focused instanceof HTMLElement) focused.focus();
    if (!copied) throw new Error("execCommand copy refused");
  }

  async function writeClipboard(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      try {
        await navigator.clipboard.writeText(text);
        return;
      } catch {
        // Not allowed here (insecure context, permissions): try the selection way.
      }
    }
    copyWithSelection(text);
  }

  // One live region for the page, so screen readers hear the result of a copy.
  function statusRegion() {
    let region = document.querySelector(".copy-button-status");
    if (!region) {
      region = document.createElement("div");
      region.className = "copy-button-status";
      region.setAttribute("role", "status");
      document.body.append(region);
    }
    return region;
  }

  function show(button, message, state) {
    button.setAttribute("aria-label", message);
    button.querySelector(".copy-button__tooltip").textContent = message;
    button.classList.toggle("copy-button--done", state === "done");
    button.classList.toggle("copy-button--failed", state === "failed");
  }

  function addButton(block, text) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.innerHTML = ICON + '<span class="copy-button__tooltip" aria-hidden="true"></span>';
    show(button, LABEL, "ready");
    let timer;
    button.addEventListener("click", async () => {
      clearTimeout(timer);
      let message = DONE;
      try {
        await writeClipboard(text);
        show(button, DONE, "done");
      } catch {
        message = FAILED;
        show(button, FAILED, "failed");
      }
      statusRegion().textContent = message;
      timer = setTimeout(() => show(button, LABEL, "ready"), RESET_AFTER_MS);
    });
    block.prepend(button);
  }

  function addButtons() {
    const texts = copyTexts();
    for (const block of document.querySelectorAll(".copy-block")) {
      const index = [...block.classList].map((c) => INDEX.exec(c)).find(Boolean);
      if (index && typeof texts[Number(index[1])] === "string") {
        addButton(block, texts[Number(index[1])]);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addButtons);
  } else {
    addButtons();
  }
})();
