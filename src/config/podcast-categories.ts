import { didYouMean } from '../common/util.js';

/**
 * Apple Podcasts categories and subcategories, as `<itunes:category text="…">` must spell them
 * (https://podcasters.apple.com/support/1691-apple-podcasts-categories, the list in use since 2019).
 */
export const APPLE_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  'Arts': ['Books', 'Design', 'Fashion & Beauty', 'Food', 'Performing Arts', 'Visual Arts'],
  'Business': ['Careers', 'Entrepreneurship', 'Investing', 'Management', 'Marketing', 'Non-Profit'],
  'Comedy': ['Comedy Interviews', 'Improv', 'Stand-Up'],
  'Education': ['Courses', 'How To', 'Language Learning', 'Self-Improvement'],
  'Fiction': ['Comedy Fiction', 'Drama', 'Science Fiction'],
  'Government': [],
  'History': [],
  'Health & Fitness': ['Alternative Health', 'Fitness', 'Medicine', 'Mental Health', 'Nutrition', 'Sexuality'],
  'Kids & Family': ['Education for Kids', 'Parenting', 'Pets & Animals', 'Stories for Kids'],
  'Leisure': ['Animation & Manga', 'Automotive', 'Aviation', 'Crafts', 'Games', 'Hobbies', 'Home & Garden', 'Video Games'],
  'Music': ['Music Commentary', 'Music History', 'Music Interviews'],
  'News': ['Business News', 'Daily News', 'Entertainment News', 'News Commentary', 'Politics', 'Sports News', 'Tech News'],
  'Religion & Spirituality': ['Buddhism', 'Christianity', 'Hinduism', 'Islam', 'Judaism', 'Religion', 'Spirituality'],
  'Science': ['Astronomy', 'Chemistry', 'Earth Sciences', 'Life Sciences', 'Mathematics', 'Natural Sciences', 'Nature', 'Physics', 'Social Sciences'],
  'Society & Culture': ['Documentary', 'Personal Journals', 'Philosophy', 'Places & Travel', 'Relationships'],
  'Sports': ['Baseball', 'Basketball', 'Cricket', 'Fantasy Sports', 'Football', 'Golf', 'Hockey', 'Rugby', 'Running', 'Soccer', 'Swimming', 'Tennis', 'Volleyball', 'Wilderness', 'Wrestling'],
  'Technology': [],
  'True Crime': [],
  'TV & Film': ['After Shows', 'Film History', 'Film Interviews', 'Film Reviews', 'TV Reviews'],
};

/** One Apple Podcasts category, optionally narrowed to one of its subcategories. */
export interface PodcastCategory {
  readonly category: string;
  readonly subcategory?: string;
}

/** `"Technology"`, `"Society & Culture > Documentary"`, or a list of those. */
export function readCategories(value: unknown, fail: (message: string) => undefined): PodcastCategory[] | undefined {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((c) => typeof c !== 'string')) {
    return fail(`podcast "category" must be an Apple Podcasts category such as "Technology" or "Society & Culture > Documentary", or a list of them, found ${Array.isArray(value) ? 'a list with something other than text' : JSON.stringify(value) ?? 'nothing'}`);
  }
  const out: PodcastCategory[] = [];
  for (const text of list as string[]) {
    const [main = '', sub, ...more] = text.split('>').map((s) => s.trim());
    if (more.length > 0) return fail(`podcast category "${text}" has more than one ">": write "Category" or "Category > Subcategory"`);
    const category = exact(main, Object.keys(APPLE_CATEGORIES));
    if (category === undefined) {
      const guess = didYouMean(main, Object.keys(APPLE_CATEGORIES));
      return fail(`"${main}" is not an Apple Podcasts category${guess ? `; did you mean "${guess}"?` : `; the categories are: ${Object.keys(APPLE_CATEGORIES).join(', ')}`}`);
    }
    if (sub === undefined) {
      out.push({ category });
      continue;
    }
    const subs = APPLE_CATEGORIES[category] ?? [];
    const subcategory = exact(sub, subs);
    if (subcategory === undefined) {
      const guess = didYouMean(sub, subs);
      return fail(`"${sub}" is not a subcategory of "${category}"${guess ? `; did you mean "${guess}"?` : subs.length > 0 ? `; its subcategories are: ${subs.join(', ')}` : '; it has no subcategories'}`);
    }
    out.push({ category, subcategory });
  }
  return out;
}

/** The list's own spelling of `name`, matched without regard to case ("tv & film" → "TV & Film"). */
function exact(name: string, names: readonly string[]): string | undefined {
  return names.find((n) => n.toLowerCase() === name.toLowerCase());
}
