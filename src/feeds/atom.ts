import type { Author } from '../config/config.js';
import { toRfc3339 } from '../post/dates.js';
import type { Post } from '../post/post.js';
import { serialize, type FeedFormat } from './format.js';
import { feedUrl, HISTORY_NAMESPACE, historyLinks, pathUrl, type FeedDoc } from './doc.js';
import { atomMedia, mediaNamespace } from './media.js';
import { GENERATOR } from '../common/version.js';
import { attributes, el, escSafe } from '../common/xml.js';

/** Atom 1.0 (RFC 4287). */
export function atom(doc: FeedDoc): string {
  return serialize(ATOM, doc);
}

/** Atom 1.0 split at its entries (see `format.ts`). */
export const ATOM: FeedFormat = {
  name: 'atom',
  head,
  variant: (doc) => doc.content ?? 'full',
  item: (post, doc) => entry(post, doc.content !== 'summary'),
  separator: '',
  foot: () => '</feed>\n',
};

function head(doc: FeedDoc): string {
  const { config } = doc;
  const self = feedUrl(doc, 'atom');
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom"${mediaNamespace(doc, 'atom')}${doc.history?.archived ? ` xmlns:fh="${HISTORY_NAMESPACE}"` : ''}${attributes({ 'xml:lang': config.language })}>`,
    `  ${el('id', doc.id)}`,
    `  ${el('title', doc.title, { type: 'text' })}`,
  ];
  if (doc.description) lines.push(`  ${el('subtitle', doc.description, { type: 'text' })}`);
  lines.push(
    `  ${el('updated', toRfc3339(doc.updated))}`,
    `  <link${attributes({ rel: 'alternate', type: 'text/html', href: doc.homeUrl })}/>`,
    `  <link${attributes({ rel: 'self', type: 'application/atom+xml', href: self })}/>`,
    ...(config.hub ? [`  <link${attributes({ rel: 'hub', href: config.hub })}/>`] : []),
    ...historyLinks(doc.history).map(([rel, paths]) => `  <link${attributes({ rel, type: 'application/atom+xml', href: pathUrl(doc, paths, 'atom') })}/>`),
    ...(doc.history?.archived ? ['  <fh:archive/>'] : []),
    person('author', config.author, '  '),
    `  ${el('generator', GENERATOR.name, { version: GENERATOR.version })}`,
  );
  if (config.icon) lines.push(`  ${el('icon', config.icon)}`);
  if (config.logo) lines.push(`  ${el('logo', config.logo)}`);
  if (config.copyright) lines.push(`  ${el('rights', config.copyright, { type: 'text' })}`);
  lines.push('');
  return lines.join('\n');
}

/** One entry, ending in a newline; `full`: with the post's HTML as `content`. */
function entry(post: Post, full: boolean): string {
  const lines = [
    '  <entry>',
    `    ${el('id', post.id)}`,
    `    ${el('title', post.title, { type: 'text' })}`,
    `    <link${attributes({ rel: 'alternate', type: 'text/html', href: post.url })}/>`,
    `    ${el('published', toRfc3339(post.date))}`,
    `    ${el('updated', toRfc3339(post.updated))}`,
  ];
  for (const a of post.authors) lines.push(person('author', a, '    '));
  for (const tag of post.tags) lines.push(`    <category${attributes({ term: tag })}/>`);
  // Empty text constructs are invalid (RFC 4287 readers and the W3C validator reject blank ones); the entry's
  // alternate link stands in for missing content.
  if (post.summary) lines.push(`    ${el('summary', post.summary, { type: 'text' })}`);
  if (full && post.html) lines.push(`    ${el('content', post.html, { type: 'html' }, escSafe)}`);
  lines.push(...atomMedia(post, '    '));
  lines.push('  </entry>', '');
  return lines.join('\n');
}

function person(tag: string, a: Author, indent: string): string {
  const parts = [el('name', a.name)];
  if (a.email) parts.push(el('email', a.email));
  if (a.url) parts.push(el('uri', a.url));
  return `${indent}<${tag}>${parts.join('')}</${tag}>`;
}
