/**
 * The site's one stylesheet: system fonts, a readable measure on phones and desktops, light and dark schemes
 * (every text colour at least 4.5:1 against its background, WCAG AA), visible focus. Nothing external.
 */
export const STYLESHEET = `:root { color-scheme: light dark; --fg: #1b1b1f; --bg: #fdfdfc; --muted: #4f4f59; --link: #0b57d0; --line: #d6d6dc; --code: #f0f0f3; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e6ea; --bg: #16161a; --muted: #ababb6; --link: #8ab4f8; --line: #3a3a42; --code: #222228; } }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 44rem; padding: 0 1.25rem 3rem; font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: break-word; }
a { color: var(--link); text-underline-offset: 0.15em; }
a:focus-visible, button:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; border-radius: 2px; }
.skip { position: absolute; left: -999px; top: 0.5rem; padding: 0.5rem 0.75rem; background: var(--bg); }
.skip:focus { left: 0.5rem; }
.visually-hidden, .footnotes .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.site { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: baseline; justify-content: space-between; padding: 1.25rem 0 1.5rem; }
.site-title { font-weight: 700; font-size: 1.125rem; text-decoration: none; color: var(--fg); }
header.site nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.5rem 0 0.75rem; }
h2 { line-height: 1.3; }
.lead { font-size: 1.125rem; color: var(--muted); margin-top: 0; }
.meta, .tags, footer.site, .count { color: var(--muted); font-size: 0.9375rem; }
.posts { list-style: none; padding: 0; }
.posts li { margin: 0 0 1.75rem; }
.posts h2, .posts h3 { margin: 0 0 0.25rem; font-size: 1.3rem; }
.posts p { margin: 0.25rem 0; }
.pager { display: flex; flex-wrap: wrap; gap: 1rem; align-items: baseline; margin: 2rem 0; }
.tag-list { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; }
.subscribe { margin: 1.5rem 0 2rem; padding: 1rem 1.25rem; border: 1px solid var(--line); border-radius: 8px; }
.subscribe h2 { margin: 0 0 0.5rem; font-size: 1.2rem; }
.subscribe p { margin: 0.25rem 0 0.75rem; }
.feeds { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.75rem; }
.feeds li { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.75rem; }
.feeds a { font-weight: 600; min-width: 6.5rem; }
.feed-url { font-size: 0.875rem; color: var(--muted); word-break: break-all; flex: 1 1 14rem; }
button.copy { font: inherit; font-size: 0.875rem; padding: 0.35rem 0.75rem; min-height: 2.25rem; color: var(--fg); background: var(--code); border: 1px solid var(--line); border-radius: 6px; cursor: pointer; }
button.copy:hover { border-color: var(--link); }
.copy-status { min-height: 1.5em; margin: 0.5rem 0 0; font-size: 0.9375rem; }
.content img, .content video { max-width: 100%; height: auto; }
.footnotes { border-top: 1px solid var(--line); margin-top: 2rem; font-size: 0.9375rem; }
audio { width: 100%; }
.attachment { margin: 1rem 0; }
pre { overflow-x: auto; padding: 0.75rem; background: var(--code); border-radius: 4px; }
code { font-size: 0.9em; }
blockquote { margin: 1rem 0; padding-left: 1rem; border-left: 3px solid var(--line); color: var(--muted); }
.content table { display: block; overflow-x: auto; border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
hr { border: 0; border-top: 1px solid var(--line); margin: 2rem 0; }
footer.site { margin-top: 3rem; padding-top: 0.5rem; border-top: 1px solid var(--line); }
`;
