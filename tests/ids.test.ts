import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture, readFeeds, removeTempDirs, run, SITE } from './helpers/blog.js';

/** Per item, in feed order: the identity a reader keys on, in each format. */
async function identities(out: string) {
  const feeds = await readFeeds(out);
  return {
    rss: (feeds.rss.items ?? []).map((i) => ({ guid: i.guid?.value, permalink: i.guid?.isPermaLink, link: i.link })),
    atom: (feeds.atom.entries ?? []).map((e) => ({ id: e.id, link: e.links?.find((l) => l.rel === 'alternate')?.href })),
    json: (feeds.json.items ?? []).map((i) => ({ id: i.id, url: i.url })),
    titles: (feeds.json.items ?? []).map((i) => i.title),
  };
}

describe('ids are permanent', () => {
  afterAll(removeTempDirs);

  it('do not change when a post\'s title, tags and content change', async () => {
    const dir = await copyFixture();
    expect((await run(['build', '--out', 'before'], { cwd: dir })).code).toBe(0);
    const before = await identities(join(dir, 'before'));

    for (const name of ['2024-05-01-gfm.md', '2023-12-31-moved.md', 'tie-zebra/index.md']) {
      const path = join(dir, 'posts', name);
      const text = await readFile(path, 'utf8');
      const changed = text
        .replace(/^title: .*$/m, 'title: "A completely new title"')
        .replace(/^tags:.*(\n  - .*)*$/m, 'tags: [renamed]')
        .replace(/\n---\n[\s\S]*$/, '\n---\n\nAll new content, [with a link](../elsewhere/).\n');
      expect(changed).not.toBe(text);
      await writeFile(path, changed);
    }
    expect((await run(['build', '--out', 'after'], { cwd: dir })).code).toBe(0);
    const after = await identities(join(dir, 'after'));

    expect(after.titles.filter((t) => t === 'A completely new title')).toHaveLength(3); // the edits took
    expect(after.rss).toEqual(before.rss);
    expect(after.atom).toEqual(before.atom);
    expect(after.json).toEqual(before.json);
  });

  it('default to the permalink; a front-matter id overrides them and RSS then says isPermaLink="false"', async () => {
    const dir = await copyFixture();
    expect((await run(['build', '--out', 'out'], { cwd: dir })).code).toBe(0);
    const ids = await identities(join(dir, 'out'));
    const moved = ids.json.findIndex((i) => i.url === `${SITE}posts/moved-here/`);
    const hostile = ids.json.findIndex((i) => i.url === `${SITE}posts/hostile-text/`);
    expect(ids.json[moved]?.id).toBe('https://old.example.com/2023/moved-post.html');
    expect(ids.json[hostile]?.id).toBe('tag:example.org,2024:hostile-text');
    expect(ids.atom[moved]?.id).toBe('https://old.example.com/2023/moved-post.html');
    expect(ids.rss[moved]).toEqual({ guid: 'https://old.example.com/2023/moved-post.html', permalink: false, link: `${SITE}posts/moved-here/` });
    expect(ids.rss[hostile]).toEqual({ guid: 'tag:example.org,2024:hostile-text', permalink: false, link: `${SITE}posts/hostile-text/` });
    const rssText = await readFile(join(dir, 'out', 'rss.xml'), 'utf8');
    expect(rssText).toContain('<guid isPermaLink="false">tag:example.org,2024:hostile-text</guid>');
    for (const [i, item] of ids.json.entries()) {
      if (i === moved || i === hostile) continue;
      expect(item.id).toBe(item.url);
      expect(ids.rss[i]).toEqual({ guid: item.url, permalink: true, link: item.url });
      expect(ids.atom[i]).toEqual({ id: item.url, link: item.url });
    }
  });

  it('a post that moves (new slug) keeps its identity through an id override', async () => {
    const dir = await copyFixture();
    expect((await run(['build', '--out', 'before'], { cwd: dir })).code).toBe(0);
    const before = await identities(join(dir, 'before'));
    const path = join(dir, 'posts', '2024-02-29-leap-day.md');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('title:', `slug: leap-day-2024\nid: ${SITE}posts/leap-day/\ntitle:`));
    expect((await run(['build', '--out', 'after'], { cwd: dir })).code).toBe(0);
    const after = await identities(join(dir, 'after'));
    const i = before.json.findIndex((x) => x.url === `${SITE}posts/leap-day/`);
    expect(after.json[i]).toEqual({ id: `${SITE}posts/leap-day/`, url: `${SITE}posts/leap-day-2024/` });
    expect(after.atom[i]?.id).toBe(before.atom[i]?.id);
    expect(after.rss[i]).toEqual({ guid: `${SITE}posts/leap-day/`, permalink: false, link: `${SITE}posts/leap-day-2024/` });
  });
});
