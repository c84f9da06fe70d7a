// Made-up people for the directory benchmark: names from a few hundred first
// and last names (common ones more often), usernames, headlines, 0–5 tags from
// a pool of 200 (a few popular, most rare) and profiles filled in to varying
// degrees. Person i is always the same person (a PRNG seeded by i), so a
// database seeded twice, or topped up, holds the same people.

/** A comma-separated list. */
const list = (text: string): string[] =>
  text
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);

// Roughly most common first, across a few languages; picked with a skew.
export const FIRST_NAMES = list(`
  James, Mary, John, Maria, Michael, Anna, David, Sarah, Robert, Laura, Daniel, Emma, Thomas, Sofia,
  Jeremy, Hannah, Jason, Olivia, Chris, Ann, Wei, Mei, Ahmed, Fatima, Luca, Giulia, Jose, Ana, Juan,
  Lucia, Peter, Julia, Paul, Lisa, Mark, Anne, Kevin, Jessica, Brian, Emily, Jerome, Allison, Jerry,
  Madison, Steven, Joanna, Andrew, Susan, Eric, Karen, Hiroshi, Yuki, Kenji, Aiko, Takeshi, Sakura,
  Raj, Priya, Arjun, Ananya, Mohammed, Aisha, Omar, Leila, Ali, Zainab, Ivan, Olga, Dmitri, Natalia,
  Lars, Ingrid, Sven, Astrid, Erik, Annika, Nils, Freya, Jonas, Elin, Pierre, Camille, Louis, Chloe,
  Hugo, Manon, Lukas, Lena, Felix, Mia, Carlos, Carmen, Diego, Elena, Pablo, Isabel, Mateo,
  Valentina, Santiago, Camila, George, Charlotte, Henry, Amelia, Oliver, Isla, Jack, Grace, Harry,
  Sophie, Jeremiah, Marianne, Samuel, Rebecca, Benjamin, Rachel, Nathan, Leah, Aaron, Naomi, Tyler,
  Ashley, Ryan, Brittany, Justin, Amanda, Brandon, Megan, Kyle, Stephanie, Min-jun, Seo-yeon, Ji-ho,
  Ha-eun, Thanh, Linh, Minh, Huong, Arif, Siti, Kwame, Ama, Kofi, Abena, Chidi, Ngozi, Tunde, Amara,
  Sipho, Thandiwe, Mateusz, Zofia, Jakub, Agnieszka, Tomasz, Katarzyna, Jan, Eva, Petr, Tereza,
  Mehmet, Ayse, Mustafa, Elif, Emre, Zeynep, Giorgos, Eleni, Nikos, Katerina, Sean, Siobhan, Liam,
  Niamh, Connor, Aoife, Declan, Roisin, Cian, Orla, Jerónimo, José, Zoë, Renée, André, Søren, Björn,
  Jürgen, Chloé, Noémie, Adrian, Adriana, Alan, Alana, Dean, Diana, Dan, Danielle, Shane, Shannon,
  Stan, Susanna, Johan, Johanna, Leon, Leanne, Ron, Roxanne, Brendan, Joan, Gerald, Geraldine,
  Vernon, Yvonne, Malcolm, Fiona, Edmund, Gwendolyn, Clifford, Beatrice, Ezekiel, Ottoline, Quentin,
  Philippa, Barnaby, Araminta, Leopold, Wilhelmina, Thaddeus, Perpetua, Bao, Xiu, Jun, Ling, Hao,
  Yan, Chen, Fang, Tao, Qing, Ravi, Deepa, Vikram, Kavya, Sanjay, Meera, Anil, Lakshmi, Rohan, Divya,
  Tariq, Yasmin, Karim, Nadia, Hassan, Samira, Youssef, Mariam, Bilal, Hana, Kai, Noa, Ari, Tal, Eli,
  Maya, Ezra, Ruth, Levi, Shira, Jerzy, Jarek, Jeroen, Joost, Anouk, Sanne, Bram, Femke, Stijn,
  Lotte
`);

export const LAST_NAMES = list(`
  Smith, Johnson, Williams, Brown, Jones, Garcia, Miller, Davis, Rodriguez, Martinez, Wang, Li,
  Zhang, Liu, Chen, Kim, Lee, Park, Nguyen, Tran, Anderson, Wilson, Thompson, Jackson, White, Harris,
  Martin, Moore, Taylor, Thomas, Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker,
  Schulz, Hoffmann, Robinson, Clark, Lewis, Walker, Hall, Allen, Young, King, Wright, Scott, Sato,
  Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Kato, Patel, Sharma,
  Singh, Kumar, Gupta, Reddy, Iyer, Nair, Rao, Joshi, Hernandez, Lopez, Gonzalez, Perez, Sanchez,
  Ramirez, Torres, Flores, Rivera, Gomez, Nelson, Carlson, Peterson, Hansen, Johansson, Andersson,
  Nilsson, Larsson, Eriksson, Olsen, Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo,
  Ricci, Marino, Greco, Dubois, Durand, Lefebvre, Moreau, Laurent, Simon, Michel, Leroy, Roux,
  Fournier, Ivanov, Smirnov, Kuznetsov, Popov, Sokolov, Lebedev, Kozlov, Novikov, Morozov, Petrov,
  Kowalski, Nowak, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański,
  Woźniak, Yilmaz, Kaya, Demir, Sahin, Celik, Yildiz, Aydin, Ozturk, Arslan, Dogan, Khan, Ahmed,
  Hussain, Ali, Rahman, Hassan, Ibrahim, Mahmoud, Haddad, Nasser, Okafor, Adeyemi, Mensah, Owusu,
  Nkosi, Dlamini, Mwangi, Otieno, Kamau, Abubakar, O'Brien, Murphy, Kelly, Walsh, Byrne, Ryan,
  O'Connor, McCarthy, Doyle, Kennedy, Harrison, Richardson, Dickson, Emerson, Morrison, Madison,
  Hudson, Gibson, Watson, Ferguson, Majerle, Meijer, Bjerke, Bjerregaard, Jernigan, Jervis, Jerković,
  Rogers, Berger, Jensen, Hannigan, Brennan, Mann, Hofmann, Baumann, Neumann, Hartmann, Lehmann,
  Ziegler, Kellner, de Vries, van Dijk, Bakker, Janssen, Visser, Smit, de Boer, Mulder, de Jong, Bos,
  Cohen, Levy, Friedman, Katz, Shapiro, Goldberg, Klein, Rosen, Adler, Stern, Papadopoulos, Georgiou,
  Nikolaidis, Dimitriou, Costa, Silva, Santos, Oliveira, Pereira, Ferreira, Novak, Horvat, Kovač,
  Babić, Marković, Petrović, Nikolić, Jovanović, Popescu, Ionescu, Fitzwilliam, Abernathy, Pemberton,
  Quigley, Thistlewood, Wolfenden, Ravenscroft, Blackwood, Featherstone, Oakenshield, Zhao, Huang,
  Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Oh, Seo, Ortiz,
  Morales, Castillo, Jimenez, Vargas, Ruiz, Mendoza, Herrera, Medina, Aguilar
`);

const TITLES = list(`
  Software Engineer, Senior Software Engineer, Staff Engineer, Product Manager, Designer,
  UX Researcher, Data Scientist, Data Engineer, Engineering Manager, CTO, Founder,
  Site Reliability Engineer, Security Engineer, Frontend Developer, Backend Developer,
  Full-stack Developer, Mobile Developer, QA Engineer, Technical Writer, Developer Advocate,
  Consultant, Architect, Researcher, PhD student, Teacher, Nurse, Accountant, Marketing Lead,
  Sales Engineer, Photographer, Illustrator, Journalist, Translator, Project Manager, Recruiter,
  Support Engineer, Student, Freelancer, Analyst, Operations Lead
`);

const COMPANIES = list(`
  Acme, Globex, Initech, Umbrella, Stark Industries, Wayne Enterprises, Hooli, Pied Piper,
  Vandelay Industries, Soylent, Cyberdyne, Tyrell, Wonka, Aperture, Black Mesa, Oscorp,
  Massive Dynamic, Gringotts, Monsters Inc, Dunder Mifflin, Prestige Worldwide, Sterling Cooper,
  Bluth Company, Gekko & Co, Nakatomi, Weyland-Yutani, Virtucon, Spacely Sprockets, Cogswell Cogs,
  Planet Express, Los Pollos Hermanos, Krusty Krab, Duff, Ollivanders, Zorg, Rekall, a small startup,
  a bank, a hospital, a university, a newspaper, the city council, a nonprofit
`);

const SPECIALTIES = list(`
  distributed systems, databases, machine learning, accessibility, developer tooling, payments,
  search, compilers, embedded systems, cloud infrastructure, data visualisation, open source,
  web performance, mobile apps, security, identity and access, design systems, game engines,
  robotics, bioinformatics, climate tech, fintech, edtech, healthcare, e-commerce
`);

const HOBBIES = list(`
  coffee lover, runner, climber, cyclist, home cook, gardener, chess player, guitarist, bookworm,
  board gamer, hiker, baker, dog person, cat person, sailor, skier
`);

// Rare words, each in about one headline in 5,000.
const RARE = ['zymurgist', 'lepidopterist', 'campanologist', 'horologist', 'vexillologist'];

const BIOS = [
  'Building things on the web.',
  'Always learning.',
  'Opinions are my own.',
  'Making software less painful.',
  'Parent, engineer, tinkerer.',
  'Ex-physicist.',
  'I like small tools that do one thing well.',
  'Writing code and sometimes prose.',
];

const CITIES: [string, string, string, string][] = [
  // city, country, locale, timezone
  ['Berlin', 'DE', 'de-DE', 'Europe/Berlin'],
  ['London', 'GB', 'en-GB', 'Europe/London'],
  ['New York', 'US', 'en-US', 'America/New_York'],
  ['San Francisco', 'US', 'en-US', 'America/Los_Angeles'],
  ['Tokyo', 'JP', 'ja-JP', 'Asia/Tokyo'],
  ['Bengaluru', 'IN', 'en-IN', 'Asia/Kolkata'],
  ['São Paulo', 'BR', 'pt-BR', 'America/Sao_Paulo'],
  ['Paris', 'FR', 'fr-FR', 'Europe/Paris'],
  ['Madrid', 'ES', 'es-ES', 'Europe/Madrid'],
  ['Lagos', 'NG', 'en-NG', 'Africa/Lagos'],
  ['Stockholm', 'SE', 'sv-SE', 'Europe/Stockholm'],
  ['Seoul', 'KR', 'ko-KR', 'Asia/Seoul'],
  ['Toronto', 'CA', 'en-CA', 'America/Toronto'],
  ['Sydney', 'AU', 'en-AU', 'Australia/Sydney'],
  ['Warsaw', 'PL', 'pl-PL', 'Europe/Warsaw'],
  ['Istanbul', 'TR', 'tr-TR', 'Europe/Istanbul'],
];

const PRONOUNS = ['she/her', 'he/him', 'they/them'];

// Display names of the tag pool, most used first: rank r is picked with weight 1/(r+1).
export const TAG_POOL = list(`
  Python, JavaScript, TypeScript, Java, Go, Rust, C++, C#, Kotlin, Swift, Ruby, PHP, SQL, Scala,
  Elixir, Haskell, Clojure, Erlang, OCaml, F#, Dart, Lua, Julia, R, Perl, Zig, Nim, Crystal, Fortran,
  COBOL, Machine Learning, Data Engineering, DevOps, Kubernetes, Docker, AWS, Azure, GCP, Terraform,
  Linux, React, Vue, Angular, Svelte, Node.js, Deno, GraphQL, REST, gRPC, WebAssembly, PostgreSQL,
  SQLite, MySQL, Redis, Kafka, Elasticsearch, MongoDB, Cassandra, ClickHouse, DuckDB, Security,
  Cryptography, Identity, OAuth, Accessibility, UX Design, UI Design, Product Management,
  Open Source, Technical Writing, Mentoring, Public Speaking, Hiring, Leadership, Agile, Testing,
  Performance, Observability, SRE, Networking, Embedded, IoT, Robotics, Computer Vision, NLP,
  Data Science, Statistics, Analytics, Big Data, Spark, Airflow, dbt, Pandas, PyTorch, TensorFlow,
  Game Development, Unity, Unreal, Graphics, Audio, Blockchain, Fintech, Healthtech, Edtech, Climate,
  Compilers, Databases, Distributed Systems, Operating Systems, Functional Programming, Type Systems,
  Mobile, iOS, Android, Flutter, React Native, Web Performance, CSS, HTML, Design Systems, Figma,
  Remote Work, Startups, Freelancing, Teaching, Research, Academia, Writing, Podcasts, Blogging,
  Community, Photography, Climbing, Running, Cycling, Hiking, Chess, Board Games, Cooking, Baking,
  Coffee, Music, Guitar, Piano, Jazz, Vinyl, Film, Books, Science Fiction, Poetry, Painting,
  Gardening, Birdwatching, Astronomy, Sailing, Skiing, Surfing, Yoga, Meditation, Travel, Languages,
  Volunteering, Sustainability, Urbanism, History, Philosophy, Economics, Mathematics, Physics,
  Biology, Chemistry, Knitting, Woodworking, 3D Printing, Electronics, Ham Radio, Retro Computing,
  Speedrunning, Origami, Calligraphy, Beekeeping,
  Vim, Emacs, Nix, Bazel, Git, CI/CD, Serverless, Microservices, Event Sourcing, DDD, TDD,
  Pair Programming, Code Review, Quantum Computing, Bioinformatics, Geospatial, Maps, E-commerce, Payments
`);

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An element, the first ones more often (index ~ n·u^1.6). */
const skewed = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(xs.length * rand() ** 1.6)]!;
const uniform = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(xs.length * rand())]!;

const TAG_CUMULATIVE = (() => {
  let sum = 0;
  const cum = TAG_POOL.map((_, rank) => {
    sum += 1 / (rank + 1);
    return sum;
  });
  return cum.map((c) => c / sum);
})();

function pickTag(rand: () => number): string {
  const u = rand();
  const i = TAG_CUMULATIVE.findIndex((c) => c >= u);
  return TAG_POOL[i === -1 ? TAG_POOL.length - 1 : i]!;
}

/** How many tags a person carries: 0 for about a third, up to 5. */
const TAG_COUNT_WEIGHTS = [0.35, 0.2, 0.18, 0.12, 0.09, 0.06];

export interface SeedPerson {
  readonly email: string;
  readonly emailVerified: boolean;
  readonly username: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly role: 'user' | 'admin';
  readonly displayName: string | null;
  readonly headline: string | null;
  readonly bio: string | null;
  readonly about: string | null;
  readonly location: string | null;
  readonly locale: string | null;
  readonly timezone: string | null;
  readonly pronouns: string | null;
  readonly contact: { country: string | null; state: null; city: string | null; address: null; phone: null };
  readonly socials: { github: string | null; twitter: null; linkedin: null; website: string | null };
  /** Tag display names, in the person's order. */
  readonly tags: readonly string[];
}

export const SEED_EMAIL_DOMAIN = 'seed.bench.example';

const asciiLower = (s: string) =>
  s
    .normalize('NFD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** Person number `i` (0-based); the same every time. */
export function seedPerson(i: number): SeedPerson {
  const rand = prng(i * 2654435761 + 1);
  const chance = (p: number) => rand() < p;
  const first = skewed(rand, FIRST_NAMES);
  const last = skewed(rand, LAST_NAMES);
  const named = chance(0.93);
  // Unique: the index in base 36 ends every username.
  const suffix = i.toString(36);
  const style = Math.floor(rand() * 3);
  const base =
    style === 0
      ? `${asciiLower(first)}_${asciiLower(last)}`
      : style === 1
        ? `${asciiLower(first)[0] ?? 'x'}${asciiLower(last)}`
        : `${asciiLower(first)}${asciiLower(last)}`;
  const username = chance(0.7) ? `${base.slice(0, 29 - suffix.length)}_${suffix}` : null;
  const [city, country, locale, timezone] = uniform(rand, CITIES);
  const headline = chance(0.6)
    ? (() => {
        const title = skewed(rand, TITLES);
        const form = Math.floor(rand() * 4);
        let h =
          form === 0
            ? `${title} at ${uniform(rand, COMPANIES)}`
            : form === 1
              ? `${title} · ${uniform(rand, SPECIALTIES)}`
              : form === 2
                ? `${title}, ${uniform(rand, HOBBIES)}`
                : `${title} working on ${uniform(rand, SPECIALTIES)} at ${uniform(rand, COMPANIES)}`;
        if (chance(RARE.length / 5000)) h += ` and amateur ${uniform(rand, RARE)}`;
        return h;
      })()
    : null;
  const tagCount = (() => {
    let u = rand();
    for (let n = 0; n < TAG_COUNT_WEIGHTS.length; n++) {
      u -= TAG_COUNT_WEIGHTS[n]!;
      if (u < 0) return n;
    }
    return 0;
  })();
  const tags: string[] = [];
  while (tags.length < tagCount) {
    const tag = pickTag(rand);
    if (!tags.includes(tag)) tags.push(tag);
  }
  const hasLocation = chance(0.5);
  return {
    email: `person-${i}@${SEED_EMAIL_DOMAIN}`,
    emailVerified: chance(0.8),
    username,
    firstName: named ? first : chance(0.5) ? first : null,
    lastName: named ? last : null,
    role: chance(0.005) ? 'admin' : 'user',
    displayName: chance(0.2)
      ? chance(0.5)
        ? `${first} ${last[0]}.`
        : `${asciiLower(first)}${suffix}`
      : null,
    headline,
    bio: chance(0.5) ? uniform(rand, BIOS) : null,
    about: chance(0.3) ? `${uniform(rand, BIOS)} Based in ${city}.` : null,
    location: hasLocation ? city : null,
    locale: chance(0.5) ? locale : null,
    timezone: chance(0.5) ? timezone : null,
    pronouns: chance(0.3) ? uniform(rand, PRONOUNS) : null,
    contact: chance(0.3)
      ? { country, state: null, city: hasLocation ? city : null, address: null, phone: null }
      : { country: null, state: null, city: null, address: null, phone: null },
    socials: chance(0.4)
      ? {
          github: `https://github.com/${username ?? `${asciiLower(first)}${suffix}`}`,
          twitter: null,
          linkedin: null,
          website: chance(0.3) ? `https://${asciiLower(last)}.example` : null,
        }
      : { github: null, twitter: null, linkedin: null, website: null },
    tags,
  };
}
