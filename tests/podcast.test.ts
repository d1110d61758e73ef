import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/cli.js';
import { jpegHeader, mp3, png, wav } from './helpers/media-files.js';
import { fakeIo, makeProject, packageJson } from './helpers/project.js';

/**
 * A two-episode podcast built end to end: audio generated here (MP3 frames and a WAV file), a cover image,
 * photos in the content, a remote video with its size written down. Every media field is checked in all
 * three formats, the XML is parsed back with two parsers, and the whole outputs are golden files.
 */

const SITE = 'https://pod.example.com/show/';
const pilotAudio = mp3(40);
const secondAudio = wav(2);
const cover = png(320, 180);
const rotated = jpegHeader(40, 30, 6); // stored 40×30, shown rotated a quarter turn: 30×40

const config = {
  title: 'Fixture FM',
  url: SITE,
  description: 'A podcast about test fixtures.',
  language: 'en',
  author: { name: 'Fixture Team', email: 'team@example.com' },
  timeZone: 'UTC',
  podcast: {
    image: 'artwork.jpg',
    category: ['Society & Culture > Documentary', 'Technology'],
    explicit: false,
    author: 'Jane Doe and Joe Bloggs',
    owner: { name: 'Jane Doe', email: 'jane@example.com' },
    type: 'episodic',
  },
};

const pilot = `---
title: "Pilot: how fixtures are made"
date: 2024-03-01T08:00:00Z
summary: The first episode.
audio: pilot.mp3
duration: "0:01"
image: cover.png
episode: 1
episodeType: trailer
---

Show notes. ![Cover art for the pilot](cover.png)

![A photo taken sideways](photos/rotated.jpg) and ![a remote one](https://cdn.example.com/x.png)
`;

const second = `---
title: Second episode
date: 2024-03-08T08:00:00Z
summary: The second episode, with a video version.
audio:
  url: second.wav
  title: Second episode (audio)
duration: 2
video:
  url: https://cdn.example.com/second.mp4
  length: 1234567
episode: 2
season: 1
episodeType: full
explicit: true
---

More show notes.
`;

let out: string;
let rss: string;
let atom: string;
let json: string;
let pilotPage: string;

beforeAll(async () => {
  const root = await makeProject({
    'package.json': packageJson(config),
    'posts/2024-03-01-pilot/index.md': pilot,
    'posts/2024-03-01-pilot/pilot.mp3': pilotAudio,
    'posts/2024-03-01-pilot/cover.png': cover,
    'posts/2024-03-01-pilot/photos/rotated.jpg': rotated,
    'posts/2024-03-08-second/index.md': second,
    'posts/2024-03-08-second/second.wav': secondAudio,
  });
  out = join(root, 'dist');
  const io = fakeIo(root);
  const code = await main(['build'], io);
  expect(io.err.join('')).toBe('');
  expect(code).toBe(0);
  const read = (f: string): Promise<string> => readFile(join(out, f), 'utf8');
  [rss, atom, json, pilotPage] = await Promise.all([read('rss.xml'), read('atom.xml'), read('feed.json'), read('posts/pilot/index.html')]);
});

describe('podcast RSS', () => {
  it('is well-formed and declares the itunes, podcast and Media RSS namespaces', () => {
    expect(XMLValidator.validate(rss)).toBe(true);
    const root = new XMLParser({ ignoreAttributes: false }).parse(rss).rss;
    expect(root['@_xmlns:itunes']).toBe('http://www.itunes.com/dtds/podcast-1.0.dtd');
    expect(root['@_xmlns:podcast']).toBe('https://podcastindex.org/namespace/1.0');
    expect(root['@_xmlns:media']).toBe('http://search.yahoo.com/mrss/');
  });

  it('carries the channel tags Apple Podcasts and Podcast Index require', () => {
    const feed = parseRssFeed(rss);
    expect(feed.itunes?.image).toBe(`${SITE}artwork.jpg`);
    expect(feed.itunes?.categories).toEqual([
      { text: 'Society & Culture', categories: [{ text: 'Documentary' }] },
      { text: 'Technology' },
    ]);
    expect(feed.itunes?.explicit).toBe(false);
    expect(feed.itunes?.author).toBe('Jane Doe and Joe Bloggs');
    expect(feed.itunes?.owner).toEqual({ name: 'Jane Doe', email: 'jane@example.com' });
    expect(feed.itunes?.type).toBe('episodic');
    // UUIDv5 of "pod.example.com/show/rss.xml" in the podcast namespace (see media-unit.test.ts for the spec's vectors)
    expect(feed.podcast?.guid).toBe('aeab5124-1767-5897-bbe4-7e44cf9f71c7');
  });

  it('gives each episode exactly one enclosure with the real byte length and media type', () => {
    const items = parseRssFeed(rss).items ?? [];
    expect(items.map((i) => i.title)).toEqual(['Second episode', 'Pilot: how fixtures are made']);
    expect(items[0]?.enclosures).toEqual([{ url: `${SITE}posts/second/second.wav`, length: secondAudio.length, type: 'audio/wav' }]);
    expect(items[1]?.enclosures).toEqual([{ url: `${SITE}posts/pilot/pilot.mp3`, length: pilotAudio.length, type: 'audio/mpeg' }]);
    // fast-xml-parser sees the same: one <enclosure> per item, never a zero length
    const parsed = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'item' || name === 'enclosure' }).parse(rss);
    for (const item of parsed.rss.channel.item as { enclosure: { '@_length': string }[] }[]) {
      expect(item.enclosure).toHaveLength(1);
      expect(Number(item.enclosure[0]?.['@_length'])).toBeGreaterThan(0);
    }
  });

  it('has the item itunes tags where the front matter gives them', () => {
    const [secondItem, pilotItem] = parseRssFeed(rss).items ?? [];
    expect(secondItem?.itunes).toEqual({ duration: 2, episode: 2, season: 1, episodeType: 'full', explicit: true });
    expect(pilotItem?.itunes).toEqual({ duration: 1, episode: 1, episodeType: 'trailer', image: `${SITE}posts/pilot/cover.png` });
  });

  it('keeps the video of the second episode as Media RSS content, and the cover as media:content and media:thumbnail', () => {
    const [secondItem, pilotItem] = parseRssFeed(rss).items ?? [];
    expect(secondItem?.media?.contents).toEqual([
      { url: 'https://cdn.example.com/second.mp4', type: 'video/mp4', medium: 'video', fileSize: 1234567 },
    ]);
    expect(pilotItem?.media?.contents).toEqual([
      { url: `${SITE}posts/pilot/cover.png`, medium: 'image', type: 'image/png', fileSize: cover.length, width: 320, height: 180 },
    ]);
    expect(pilotItem?.media?.thumbnails).toEqual([{ url: `${SITE}posts/pilot/cover.png`, width: 320, height: 180 }]);
  });

  it('matches the golden file', async () => {
    await expect(rss).toMatchFileSnapshot('./golden/podcast/rss.xml');
  });
});

describe('podcast Atom', () => {
  it('lists every attachment as a rel="enclosure" link with length and type', () => {
    expect(XMLValidator.validate(atom)).toBe(true);
    const [secondEntry, pilotEntry] = parseAtomFeed(atom).entries ?? [];
    expect(secondEntry?.links?.filter((l) => l.rel === 'enclosure')).toEqual([
      { href: `${SITE}posts/second/second.wav`, rel: 'enclosure', type: 'audio/wav', length: secondAudio.length, title: 'Second episode (audio)' },
      { href: 'https://cdn.example.com/second.mp4', rel: 'enclosure', type: 'video/mp4', length: 1234567 },
    ]);
    expect(pilotEntry?.links?.filter((l) => l.rel === 'enclosure')).toEqual([
      { href: `${SITE}posts/pilot/pilot.mp3`, rel: 'enclosure', type: 'audio/mpeg', length: pilotAudio.length },
    ]);
    expect(pilotEntry?.media?.thumbnails).toEqual([{ url: `${SITE}posts/pilot/cover.png`, width: 320, height: 180 }]);
  });

  it('matches the golden file', async () => {
    await expect(atom).toMatchFileSnapshot('./golden/podcast/atom.xml');
  });
});

describe('podcast JSON Feed', () => {
  it('has attachments with mime_type, size_in_bytes and duration_in_seconds, and the cover as image', () => {
    const feed = parseJsonFeed(json);
    const [secondItem, pilotItem] = feed.items ?? [];
    expect(secondItem?.attachments).toEqual([
      { url: `${SITE}posts/second/second.wav`, mime_type: 'audio/wav', title: 'Second episode (audio)', size_in_bytes: secondAudio.length, duration_in_seconds: 2 },
      { url: 'https://cdn.example.com/second.mp4', mime_type: 'video/mp4', size_in_bytes: 1234567 },
    ]);
    expect(pilotItem?.attachments).toEqual([
      { url: `${SITE}posts/pilot/pilot.mp3`, mime_type: 'audio/mpeg', size_in_bytes: pilotAudio.length, duration_in_seconds: 1 },
    ]);
    expect(pilotItem?.image).toBe(`${SITE}posts/pilot/cover.png`);
  });

  it('matches the golden file', async () => {
    await expect(json).toMatchFileSnapshot('./golden/podcast/feed.json');
  });
});

describe('the episode page', () => {
  it('has the Open Graph image with its type and size', () => {
    expect(pilotPage).toContain(`<meta property="og:image" content="${SITE}posts/pilot/cover.png">`);
    expect(pilotPage).toContain('<meta property="og:image:type" content="image/png">');
    expect(pilotPage).toContain('<meta property="og:image:width" content="320">');
    expect(pilotPage).toContain('<meta property="og:image:height" content="180">');
  });

  it('gives local images their width and height (EXIF rotation applied) and keeps alt; remote images are left alone', () => {
    expect(pilotPage).toContain(`<img src="${SITE}posts/pilot/cover.png" alt="Cover art for the pilot" width="320" height="180" />`);
    expect(pilotPage).toContain(`<img src="${SITE}posts/pilot/photos/rotated.jpg" alt="A photo taken sideways" width="30" height="40" />`);
    expect(pilotPage).toContain('<img src="https://cdn.example.com/x.png" alt="a remote one" />');
  });

  it('has an audio player for the episode', () => {
    expect(pilotPage).toContain(`<audio controls preload="none" src="${SITE}posts/pilot/pilot.mp3"></audio>`);
  });

  it('feeds carry the same sized images in the content', () => {
    expect(rss).toContain(`<img src="${SITE}posts/pilot/cover.png" alt="Cover art for the pilot" width="320" height="180" />`);
    const pilotItem = parseJsonFeed(json).items?.[1];
    expect(pilotItem?.content_html).toContain('width="30" height="40"');
  });

  it('matches the golden file', async () => {
    await expect(pilotPage).toMatchFileSnapshot('./golden/podcast/pilot.html');
  });
});
