// The gallery's full-size viewer: a <dialog> showing one screenshot; the arrow keys move to the
// previous or next one, Esc closes (the dialog's own behaviour). Each image is loaded from the
// screenshot's own address, so every full-size look is audited by the server as a click on the
// link would be. Without this script the links open the image itself.
(function () {
  "use strict";
  const dialog = document.getElementById("viewer");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const links = Array.from(document.querySelectorAll("a.gallery-open"));
  const image = document.getElementById("viewer-image");
  const caption = document.getElementById("viewer-caption");
  let current = -1;

  function show(index) {
    if (index < 0 || index >= links.length) return;
    current = index;
    const link = links[index];
    image.src = link.dataset.full;
    image.alt = link.querySelector("img").alt;
    caption.textContent = link.dataset.caption + " (" + (index + 1) + " of " + links.length + ")";
    if (!dialog.open) dialog.showModal();
  }

  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      show(index);
    });
  });
  dialog.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight") {
      event.preventDefault();
      show(current + 1);
    } else if (event.key === "ArrowLeft") {
      event.preventDefault();
      show(current - 1);
    }
  });
  dialog.querySelectorAll("[data-move]").forEach(function (button) {
    button.addEventListener("click", function () {
      show(current + Number(button.dataset.move));
    });
  });
  dialog.querySelector("[data-close]").addEventListener("click", function () {
    dialog.close();
  });
  dialog.addEventListener("close", function () {
    image.removeAttribute("src");
    if (current >= 0) links[current].focus();
  });
})();
