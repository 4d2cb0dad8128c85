// The "Cite this" block (web/cite.xsl): without a script the citation is selectable text;
// this shows the copy button and copies the citation with today's date as the access date.
"use strict";
(function () {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const citation = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".copy-status");
    if (!citation || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const copy = citation.cloneNode(true);
      const accessed = copy.querySelector(".accessed");
      if (accessed) accessed.textContent = new Date().toISOString().slice(0, 10);
      const text = copy.textContent.replace(/\s+/g, " ").trim();
      try {
        await navigator.clipboard.writeText(text);
        if (status) status.textContent = "Copied.";
      } catch (error) {
        if (status) status.textContent = "The browser did not allow copying: select the text instead.";
      }
    });
  }
})();
