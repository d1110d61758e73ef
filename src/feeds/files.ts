import { atStage } from '../common/errors.js';
import type { Keying } from '../engine/fingerprint.js';
import type { OutputFile, OutputOrigin } from '../output/write.js';
import { ATOM } from './atom.js';
import { ItemTexts } from './chunks.js';
import { docInputs, type FeedDoc } from './doc.js';
import type { FeedFormat } from './format.js';
import { JSON_FEED } from './json.js';
import { RSS } from './rss.js';

/*
 * A feed document's output files, one per format, made when they are written (the build's, and the patch's:
 * cli/patch.ts).
 */

/** The formats every feed document is written in. */
export const FORMATS: readonly FeedFormat[] = [RSS, ATOM, JSON_FEED];

/**
 * One feed document in all three formats (keyed by its own fields and its items' keys, when there are any).
 * Item texts come from `items` (shared with the other documents it has planned); `owner` names whose feed it is
 * in messages (`the site's`).
 */
export function feedFiles(doc: FeedDoc, engine?: Keying, items: ItemTexts = new ItemTexts(), owner = "the site's"): OutputFile[] {
  const inputs = engine && docInputs(doc, FORMATS.map((format) => format.name));
  return FORMATS.map((format, i) => {
    const declared = inputs?.[i];
    const origin = { what: `${doc.history?.archived ? 'an archive of ' : ''}${owner} ${FORMAT_NAMES[format.name]}` };
    return new FeedFile(doc, format, items, origin, declared && engine?.keyOf(declared), owner);
  });
}

/**
 * One format of a feed document, made each time it is read (from `items`' shared texts). A class rather than an
 * object with getters: a big blog plans thousands of these on every rebuild, and few of them are ever made.
 */
export class FeedFile implements OutputFile {
  readonly path: string;
  declare readonly key?: string;

  /** `owner`: whose feed it is, as `feedFiles` was told. */
  constructor(readonly doc: FeedDoc, private readonly format: FeedFormat, private readonly items: ItemTexts,
    readonly origin: OutputOrigin, key: string | undefined, readonly owner: string) {
    this.path = doc.paths[format.name];
    if (key !== undefined) this.key = key;
  }

  plan(): void {
    this.items.plan(this.format, this.doc);
  }

  get chunks(): string[] {
    return atStage('serializing', this.path, () => this.items.chunks(this.format, this.doc));
  }

  get contents(): string {
    return this.chunks.join('');
  }
}

const FORMAT_NAMES: Readonly<Record<string, string>> = { rss: 'RSS feed', atom: 'Atom feed', json: 'JSON Feed' };
