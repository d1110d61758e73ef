/**
 * What `feedwright init` writes into a new blog. Kept apart from the command so the texts read as the files they
 * become. The site URL is a placeholder that `build` warns about and `check --strict` refuses (site-url.ts).
 */
import { INIT_PLACEHOLDER_URL } from '../../config/site-url.js';

/** The `feedwright` config of a new blog. */
export const INIT_CONFIG = {
  title: 'My blog',
  url: INIT_PLACEHOLDER_URL,
  description: '',
  language: 'en',
  author: { name: 'Your Name' },
  timeZone: 'UTC',
} as const;

/** npm scripts for a blog that uses feedwright as an installed tool (added only where the name is free). */
export const INIT_SCRIPTS = {
  build: 'feedwright build',
  check: 'feedwright check',
  dev: 'feedwright dev --drafts --future',
} as const;

/**
 * The folders and config file `init` writes into every command, relative to the project with `/` separators
 * (init refuses other names before it gets here): `--posts DIR`, `--out DIR`, `--config FILE`.
 */
export interface InitPaths {
  readonly posts: string;
  readonly out: string;
  readonly config: string;
}

/** What a command gets when no flag is given. */
export const DEFAULT_PATHS: InitPaths = { posts: 'posts', out: 'dist', config: 'package.json' };

/**
 * The flags for `paths` (those of `which`, the ones the command reads) as `init` writes them into commands: `''`
 * for defaults, else ` --posts DIR` (and ` --out DIR`, ` --config FILE`) with the path as it is when it holds only
 * characters no shell treats specially, or in double quotes (which sh, bash and Windows' cmd.exe, where npm may run
 * a script, all read alike when the name holds none of " $ ` \\ % ! and no control character).
 */
export function pathFlags(paths: InitPaths, which: readonly (keyof InitPaths)[] = ['posts', 'out', 'config']): string {
  return which.filter((key) => paths[key] !== DEFAULT_PATHS[key]).map((key) => ` --${key} ${shellWord(paths[key])}`).join('');
}

function shellWord(path: string): string {
  return /^[A-Za-z0-9._/+@=,-]+$/.test(path) ? path : `"${path}"`;
}

/** What `pathFlags` cannot quote for every shell npm may use: init refuses such a name. */
export const UNQUOTABLE = /["$`%!\\\x00-\x1f\x7f]/;

/** The flags `new` reads (it writes into the posts folder, dated in the config's time zone). */
export const NEW_FLAGS: readonly (keyof InitPaths)[] = ['posts', 'config'];

/** The npm scripts for a blog with `paths`. */
export function initScripts(paths: InitPaths): Record<keyof typeof INIT_SCRIPTS, string> {
  const flags = pathFlags(paths);
  return { build: `${INIT_SCRIPTS.build}${flags}`, check: `${INIT_SCRIPTS.check}${flags}`, dev: `${INIT_SCRIPTS.dev}${flags}` };
}

/** Where the config's "url" is, in words, for the hints. */
export function configPlace(paths: InitPaths): string {
  return paths.config === DEFAULT_PATHS.config ? 'the "feedwright" field of package.json' : paths.config;
}

/** Lines `.gitignore` must have: the installed packages (with feedwright's build cache) and the output `out`. */
export function gitignoreLines(out = DEFAULT_PATHS.out): string[] {
  return ['node_modules/', `${out}/`];
}

/** The example post, dated `day` (YYYY-MM-DD). Published, so the first build shows something. */
export function examplePost(day: string, paths: InitPaths = DEFAULT_PATHS): string {
  const dir = paths.posts;
  return `---
title: "Hello, feeds"
date: ${day}
summary: The first post of this blog, written by feedwright init. Edit it or delete it.
tags: [meta]
---

This post was written by \`feedwright init\`. Every Markdown file in \`${dir}/\` is a post: the front matter above
says its title and date, and the rest is the text, in GitHub-flavoured Markdown.

<!-- more -->

- \`npx feedwright new "My next post"${pathFlags(paths, NEW_FLAGS)}\` starts a new post (as a draft).
- \`npm run dev\` shows the site at http://127.0.0.1:8080/ and rebuilds on every save.
- \`npm run build\` writes the feeds and pages into \`${paths.out}/\`.

Before the first real build, set \`"url"\` in ${paths.config === DEFAULT_PATHS.config ? 'the \`"feedwright"\` field of \`package.json\`' : `\`${paths.config}\``} to the address the site
will be served from.
`;
}

/**
 * A GitHub Actions workflow for a blog with feedwright installed: check the posts on every push and pull request,
 * and on main build with the site URL GitHub Pages reports and deploy. The same shape as this repository's own
 * workflow, without the tool's test suite (an installed tool is tested where it is made).
 */
export function workflow(paths: InitPaths = DEFAULT_PATHS): string {
  const flag = pathFlags(paths);
  // A plain YAML scalar cannot hold every folder name (` #` starts a comment): a JSON string is YAML too.
  const run = (command: string): string => (flag.includes('"') ? JSON.stringify(command) : command);
  return `# Check the posts on every pull request and push; on main, build for the GitHub Pages URL and deploy.
# Once: Settings -> Pages -> Source: GitHub Actions. Commit package-lock.json (npm ci needs it).
name: feeds

on:
  pull_request:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: feeds-\${{ github.ref }}
  cancel-in-progress: \${{ github.event_name == 'pull_request' }}

jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      # Warnings fail too. The URL stands in for the Pages one (the config's may still be a placeholder).
      - run: ${run(`npx feedwright check --strict${flag}`)}
        env:
          FEEDWRIGHT_SITE_URL: https://\${{ github.repository_owner }}.github.io/\${{ github.event.repository.name }}/

  build:
    if: github.event_name != 'pull_request' && github.ref == 'refs/heads/main'
    needs: check
    runs-on: ubuntu-latest
    # configure-pages reads the Pages settings: on a private repository that needs pages: read.
    permissions:
      contents: read
      pages: read
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - name: Read the site URL from the Pages settings
        id: pages
        uses: actions/configure-pages@v5
      - run: npm ci
      - name: Build ${paths.out}/ for the Pages URL
        run: ${run(`npx feedwright build${flag}`)}
        env:
          FEEDWRIGHT_SITE_URL: \${{ steps.pages.outputs.base_url }}
      - uses: actions/upload-pages-artifact@v3
        with:
          path: ${yamlPath(paths.out)}

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: \${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
`;
}

/** A path as a YAML scalar: plain when it can be, else a JSON string (which YAML reads as the same text). */
function yamlPath(path: string): string {
  return /^[A-Za-z0-9._/+@=,-]+$/.test(path) ? path : JSON.stringify(path);
}
