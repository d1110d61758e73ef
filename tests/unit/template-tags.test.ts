import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/config.js';
import { renderMarkdown } from '../../src/post/markdown.js';
import { toPost } from '../../src/post/post.js';
import { templateTagKind } from '../../src/post/template-tags.js';
import { parseFrontMatter } from '../../src/read/frontmatter.js';

/** The first template tag of `body` as the render finds it, checked to be where it says. */
function tag(body: string): string | undefined {
  const found = renderMarkdown(body).templateTag;
  if (found) expect(body.slice(found.offset, found.offset + found.text.length)).toBe(found.text);
  return found?.text;
}

const CONFIG: ResolvedConfig = {
  title: 'T', url: 'https://example.org/blog/', description: '', language: 'en', author: { name: 'Site Author' },
  timeZone: 'UTC', limit: null, archiveSize: 50, output: { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' },
  summaryLength: 300, allowRawHtml: false, static: 'static',
};

function warnings(text: string, path = 'posts/2020-01-02-hello.md') {
  const parsed = parseFrontMatter({ path, stem: 'hello', text });
  if (!parsed.source) throw new Error(JSON.stringify(parsed.diagnostics));
  return toPost(parsed.source, CONFIG).diagnostics.filter((d) => d.code === 'template-tag');
}

describe('template tags of other generators in a body', () => {
  it('finds Liquid tags and variables (Jekyll)', () => {
    expect(tag('See {% post_url 2020-01-01-x %} for more.\n')).toBe('{% post_url 2020-01-01-x %}');
    expect(tag('Read [the other post]({% link _posts/2020-01-01-x.md %}).\n')).toBe('{% link _posts/2020-01-01-x.md %}');
    expect(tag('{% include figure.html src="a.png" %}\n')).toBe('{% include figure.html src="a.png" %}');
    expect(tag('{%- for post in site.posts -%}\n* {{ post.title }}\n{%- endfor -%}\n')).toBe('{%- for post in site.posts -%}');
    expect(tag('Home: {{ site.url }}.\n')).toBe('{{ site.url }}');
    expect(tag('![x]({{ "/assets/a.png" | relative_url }})\n')).toBe('{{ "/assets/a.png" | relative_url }}');
    // without spaces, the destination is a link's, and still counts
    expect(tag('[home]({{site.baseurl}}/about/)\n')).toBe('{{site.baseurl}}');
    expect(tag('[x]: {{ site.url }}/x\n\n[a][x]\n')).toBe('{{ site.url }}');
  });

  it('counts {% raw %} and {% highlight %} as the tags they are', () => {
    expect(tag('{% raw %}\n```liquid\n{{ page.title }}\n```\n{% endraw %}\n')).toBe('{% raw %}');
    expect(tag('Intro.\n\n{% highlight ruby %}\ndef hi\n  puts "Hi, #{name}"\nend\n{% endhighlight %}\n')).toBe('{% highlight ruby %}');
  });

  it('finds Hugo shortcodes, on one line or several', () => {
    expect(tag('{{< figure src="a.jpg" title="A" >}}\n')).toBe('{{< figure src="a.jpg" title="A" >}}');
    expect(tag('{{<figure src="a.jpg">}}\n')).toBe('{{<figure src="a.jpg">}}'); // marked reads `<figure …>` as HTML
    expect(tag('{{% note %}}\nCareful.\n{{% /note %}}\n')).toBe('{{% note %}}');
    // the closing `>}}` alone on its line is a block quote to marked
    expect(tag('{{< youtube\n  id="w7Ft2ymGmfc"\n>}}\n')).toBe('{{< youtube\n  id="w7Ft2ymGmfc"\n>}}');
  });

  it('finds Zola shortcodes and Nunjucks tags (Eleventy)', () => {
    expect(tag('Watch: {{ youtube(id="dQw4w9WgXcQ") }}\n')).toBe('{{ youtube(id="dQw4w9WgXcQ") }}');
    expect(tag('{% note(kind="warning") %}\nCareful.\n{% end %}\n')).toBe('{% note(kind="warning") %}');
    expect(tag('{% image "./cat.jpg", "A cat" %}\n')).toBe('{% image "./cat.jpg", "A cat" %}');
  });

  it('names the generator a tag looks like', () => {
    expect(templateTagKind('{% post_url x %}')).toBe('a Liquid tag (Jekyll)');
    expect(templateTagKind('{% raw %}')).toBe('a Liquid tag (Jekyll)');
    expect(templateTagKind('{{ site.url }}')).toBe('a Liquid variable (Jekyll)');
    expect(templateTagKind('{{ "/a.png" | relative_url }}')).toBe('a Liquid variable (Jekyll)');
    expect(templateTagKind('{{< figure src="x" >}}')).toBe('a Hugo shortcode');
    expect(templateTagKind('{{% note %}}')).toBe('a Hugo shortcode');
    expect(templateTagKind('{{ youtube(id="x") }}')).toBe('a Zola shortcode');
    expect(templateTagKind('{% end %}')).toBe('a Zola shortcode');
    expect(templateTagKind('{% image "a.jpg" %}')).toBe('a Nunjucks tag (Eleventy)');
    expect(templateTagKind('{{ title }}')).toBe('a Liquid or Nunjucks variable (Jekyll, Eleventy)');
    expect(templateTagKind('{% for x in y %}')).toBe('a Liquid or Nunjucks tag (Jekyll, Eleventy)');
  });

  it('does not count code: fences, indented blocks, code spans, also inside lists and block quotes', () => {
    expect(tag('```liquid\n{% for p in site.posts %}{{ p.title }}{% endfor %}\n```\n')).toBeUndefined();
    expect(tag('~~~\n{{< figure src="x" >}}\n~~~\n')).toBeUndefined();
    expect(tag('Text.\n\n    {{ site.url }}\n    {% raw %}\n')).toBeUndefined();
    expect(tag('Write `{{ site.url }}` or ``{% raw %}``.\n')).toBeUndefined();
    expect(tag('- item\n\n  ```\n  {{ x }}\n  ```\n')).toBeUndefined();
    expect(tag('> ```\n> {% raw %}\n> ```\n')).toBeUndefined();
    expect(tag('| a | b |\n|---|---|\n| `{{ x }}` | `{% y %}` |\n')).toBeUndefined();
    // the same text in code before, then outside: the one outside is found, where it is
    expect(renderMarkdown('`{{ x }}` and {{ x }}\n').templateTag?.offset).toBe(14);
    expect(renderMarkdown('- a\n\n  ```\n  {{ x }}\n  ```\n\n  then {{ x }}\n').templateTag?.offset).toBe(35);
  });

  it('does not count code, comments or scripts in raw HTML, but does count the rest of it, attributes included', () => {
    expect(tag('<code>{{ x }}</code> and <kbd>{% y %}</kbd>\n')).toBeUndefined();
    expect(tag('<pre>\n{{ x }}\n</pre>\n\nText.\n')).toBeUndefined();
    expect(tag('<!-- {{ site.url }} -->\n\nText.\n')).toBeUndefined();
    expect(tag('<script>\nlet a = "{{ x }}";\n</script>\n')).toBeUndefined();
    expect(tag('<img src="{{ site.baseurl }}/a.png" alt="">\n')).toBe('{{ site.baseurl }}');
    expect(tag('<div>\n{% include note.html %}\n</div>\n')).toBe('{% include note.html %}');
  });

  it('does not count braces that are not a tag: JSON and code in prose, escapes, TeX', () => {
    expect(tag('An object such as {{ "a": 1 } or a {{ with no end.\n')).toBeUndefined();
    expect(tag('A {{ here\nand }} there.\n')).toBeUndefined(); // `{{ … }}` must close on its line
    expect(tag('{{}} and {{ }} and {{ 1 }} and {% %} and {%\n\n%}.\n')).toBeUndefined();
    expect(tag('Escaped: \\{{ site.url }} and \\{% raw %}.\n')).toBeUndefined();
    expect(tag('Math: $\\frac{{a}}{b}$ and\n\n$$\nx^{{n}}\n$$\n')).toBeUndefined();
    // a tag holds no brace of its own: the inner one is the tag
    expect(tag('{{ a {{ b }}\n')).toBe('{{ b }}');
    // an escaped backslash escapes nothing after it
    expect(tag('A \\\\{{ site.url }}.\n')).toBe('{{ site.url }}');
    // braces outside the math still count
    expect(tag('It costs $5, and {{ page.price }}.\n')).toBe('{{ page.price }}');
  });

  it('finds nothing in bodies without braces, and leaves the HTML as it was', () => {
    expect(renderMarkdown('Plain text, [a link](x.md) and `code`.\n')).not.toHaveProperty('templateTag');
    const body = 'See {% post_url 2020-01-01-x %}.\n';
    expect(renderMarkdown(body).html).toBe('<p>See {% post_url 2020-01-01-x %}.</p>\n');
  });
});

describe('the template-tag warning', () => {
  it('is one warning per post, at the first tag, with front matter lines counted', () => {
    const text = '---\ntitle: Hello\ndate: 2020-01-02\n---\n\nIntro with `{{ code }}`.\n\n  Then {% post_url 2020-01-01-x %} and {{ site.url }}.\n';
    const found = warnings(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: 'posts/2020-01-02-hello.md', line: 8, column: 8, severity: 'warning', code: 'template-tag' });
    expect(text.split('\n')[7]?.slice(7)).toMatch(/^\{% post_url/);
    expect(found[0]?.message).toBe('the body has a Liquid tag (Jekyll), {% post_url 2020-01-01-x %}, which feedwright does not run: '
      + 'readers see it as written; replace it with what it stood for (a link, an image, the code), or put it in a code span (`…`) to show it as text');
  });

  it('counts TOML front matter lines too, and says what to do with {% raw %} and {% highlight %}', () => {
    const toml = warnings('+++\ntitle = "Hello"\ndate = 2020-01-02\n+++\nWatch:\n\n{{< youtube id="x" >}}\n');
    expect(toml.map((d) => [d.line, d.column])).toEqual([[7, 1]]);
    expect(warnings('---\ntitle: A\ndate: 2020-01-02\n---\n{% raw %}`{{ x }}`{% endraw %}\n')[0]?.message)
      .toContain('remove {% raw %} and {% endraw %}');
    expect(warnings('---\ntitle: A\ndate: 2020-01-02\n---\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n')[0]?.message)
      .toContain('write a fenced code block (```ruby) in place of {% highlight ruby %} … {% endhighlight %}');
  });

  it('shortens a long tag to one line', () => {
    const long = `{% include figure.html\n  src="/assets/images/${'a'.repeat(80)}.png"\n  caption="A cat" %}`;
    const [d] = warnings(`---\ntitle: A\ndate: 2020-01-02\n---\n${long}\n`);
    expect(d?.message).toContain(', {% include figure.html src="/assets/images/aaaaaaa… %}, which');
  });

  it('is not given for a post without tags outside code', () => {
    expect(warnings('---\ntitle: A\ndate: 2020-01-02\n---\n```\n{% raw %}\n```\n\nNo {{ here\n')).toEqual([]);
  });
});
