/**
 * `copy.js`: the one script of the site, served from the site itself so a strict Content-Security-Policy
 * (`script-src 'self'`) allows it. Progressive enhancement: the "Copy" buttons are `hidden` in the HTML and
 * only shown when this runs, so a reader without JavaScript sees the feed URLs as text and links.
 */
export const COPY_SCRIPT = `// feedwright: one-click "copy feed URL".
(function () {
  var status = document.getElementById('copy-status');
  function say(text) { if (status) status.textContent = text; }
  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    if (selection) { selection.removeAllRanges(); selection.addRange(range); }
  }
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var url = button.getAttribute('data-copy') || '';
      var shown = button.parentNode && button.parentNode.querySelector('.feed-url');
      function fallback() {
        if (shown) selectText(shown);
        say('Press Ctrl+C (or ⌘C) to copy the selected address.');
      }
      if (!navigator.clipboard || !window.isSecureContext) { fallback(); return; }
      navigator.clipboard.writeText(url).then(function () { say('Copied ' + url); }, fallback);
    });
  });
})();
`;
