"""A labelled corpus of comments for the spam filter's tests and benchmark (#11), written from a
seed: readers discussing the news, and the spam a news site gets (pills, casinos, crypto, SEO
links, praise that says nothing). Made to overlap as real comments do: readers say "great
article" and link to the BBC, spammers borrow the news's words and real-looking names, some
spam has no link at all, and some readers type fast.
"""

import random
from dataclasses import dataclass

from comments.services import comment_submit

NEWS_WORDS = (
    "council harbour barrier flood tide pumps residents night engineers report water storm "
    "road bridge school market river coast warning minister budget vote election housing rent "
    "hospital nurses train strike police court judge climate energy prices tax mayor plan "
    "village families jobs factory union teachers children"
).split()
OPINIONS = [
    "I think the {a} should have been fixed years ago.",
    "The {a} was a problem long before the {b}.",
    "Nobody asked the residents about the {a}.",
    "My {b} has been waiting for months, and the {a} makes it worse.",
    "Where does the money for the {a} come from?",
    "The article is wrong about the {a}: the {b} came first.",
    "Good to see the {a} covered properly for once.",
    "We lost power during the {a} and nobody came for two days.",
    "Why is the {a} always the last thing anyone mentions?",
    "Thanks for explaining the {a}; the {b} makes more sense now.",
    "I was at the {a} meeting and the {b} was not discussed at all.",
    "The {b} in our street floods every winter.",
]
READER_NAMES = [
    "Ada Lindqvist", "Ben Okafor", "Carla Ruiz", "Dev Patel", "Ewa Nowak", "Finn Byrne",
    "Grace Mensah", "Hugo Laurent", "Ines Costa", "Jamal Idris", "Kate Moreau", "Liam Walsh",
    "Mia Schmidt", "Nils Berg", "Olu Adeyemi", "Priya Nair", "Quinn Hale", "Rosa Ferri",
    "Sam Taylor", "Tom Becker", "Una Kelly", "Vik Rao", "Wen Li", "Yara Haddad", "Zoe Clarke",
]  # fmt: skip
READER_DOMAINS = ["gmail.com", "outlook.com", "yahoo.co.uk", "proton.me", "icloud.com",
                  "btinternet.com", "web.de", "orange.fr"]  # fmt: skip
READER_LINKS = ["https://www.bbc.co.uk/news", "https://en.wikipedia.org/wiki/Flood_barrier",
                "https://www.gov.uk/flood-warnings", "https://www.theguardian.com/uk"]  # fmt: skip

SPAM_PITCHES = [
    "Buy cheap {drug} online without prescription, fast delivery",
    "Best online casino bonus, free spins every day, win real money",
    "Earn $5000 a week from home with this crypto trading bot",
    "Bitcoin investment doubles in 7 days, guaranteed profit",
    "Cheap {drug} pills, discount pharmacy, order now",
    "Lose weight fast with this one weird trick doctors hate",
    "Hot singles in your area want to meet you tonight",
    "SEO backlinks service, rank first on Google, cheap price",
    "Replica watches and designer bags, huge discount",
    "Get a payday loan today, no credit check, instant approval",
]
SPAM_PRAISE = [
    "Great post! Thanks for sharing this information.",
    "Very nice article, I bookmarked your site.",
    "This is really helpful content, keep up the good work.",
    "Awesome blog, I will visit again for more posts like this.",
    "I like your website, very informative, please check mine too.",
]
DRUGS = ["viagra", "cialis", "tramadol", "xanax", "ozempic"]
SPAM_NAMES = ["Cheap Pills", "casino bonus 2026", "Crypto King", "SEO Expert", "Jessica", "Mike",
              "best loans", "Anna Smith", "John", "Replica Watches"]  # fmt: skip
SPAM_TLDS = [".biz", ".xyz", ".top", ".online", ".shop", ".ru", ".click"]


@dataclass(frozen=True)
class LabelledComment:
    name: str
    email: str
    url: str
    body: str
    fill_seconds: float
    is_spam: bool


def _spam_domain(rng: random.Random) -> str:
    stem = rng.choice(["cheap", "best", "win", "pharma", "crypto", "deal", "fast", "top"])
    return f"{stem}{rng.choice(['meds', 'spins', 'profit', 'shop', 'rank', 'loans'])}" + rng.choice(
        SPAM_TLDS
    )


def reader_comment(rng: random.Random) -> LabelledComment:
    name = rng.choice(READER_NAMES)
    sentences = [
        rng.choice(OPINIONS).format(a=rng.choice(NEWS_WORDS), b=rng.choice(NEWS_WORDS))
        for _ in range(rng.randint(1, 4))
    ]
    if rng.random() < 0.1:  # readers praise too, in the spammers' words at times
        sentences.insert(0, rng.choice([*SPAM_PRAISE[:3], "Great article, thanks."]))
    if rng.random() < 0.15:
        sentences.append(f"See {rng.choice(READER_LINKS)}")
    user = name.split()[0].lower() + str(rng.randint(1, 99))
    return LabelledComment(
        name=name,
        email=f"{user}@{rng.choice(READER_DOMAINS)}",
        url=rng.choice(READER_LINKS) if rng.random() < 0.05 else "",
        body=" ".join(sentences),
        # Most readers take their time; some type a line in seconds.
        fill_seconds=rng.uniform(4, 40) if rng.random() < 0.3 else rng.uniform(30, 900),
        is_spam=False,
    )


def spam_comment(rng: random.Random) -> LabelledComment:
    domain = _spam_domain(rng)
    if rng.random() < 0.25:  # praise with nothing to sell in the text: the hard case
        body = rng.choice(SPAM_PRAISE)
        if rng.random() < 0.5:  # borrowing the news's words
            body += f" The {rng.choice(NEWS_WORDS)} part was interesting."
        url = f"https://{domain}/" if rng.random() < 0.5 else ""
    else:
        body = rng.choice(SPAM_PITCHES).format(drug=rng.choice(DRUGS)) + "."
        links = rng.choice([1, 1, 2, 3])
        body += "".join(f" https://{_spam_domain(rng)}/offer" for _ in range(links - 1))
        body += f" Visit https://{domain}/?ref={rng.randint(100, 999)}"
        url = f"https://{domain}/" if rng.random() < 0.5 else ""
    # Half of it passes for a reader by its name and e-mail; half is filled in at a reader's pace.
    if rng.random() < 0.5:
        name = rng.choice(READER_NAMES)
        email = f"{name.split()[0].lower()}{rng.randint(1, 99)}@{rng.choice(READER_DOMAINS)}"
    else:
        name = rng.choice(SPAM_NAMES)
        email = f"{rng.choice(['info', 'sales', 'promo', 'user'])}{rng.randint(1, 999)}@" + (
            rng.choice([domain, "mail.ru", "gmail.com", "yandex.com"])
        )
    return LabelledComment(
        name=name,
        email=email,
        url=url,
        body=body,
        fill_seconds=rng.uniform(3, 20) if rng.random() < 0.5 else rng.uniform(20, 600),
        is_spam=True,
    )


def corpus(size: int, *, spam_share: float = 0.4, seed: int = 11) -> list[LabelledComment]:
    rng = random.Random(seed)
    return [
        spam_comment(rng) if rng.random() < spam_share else reader_comment(rng) for _ in range(size)
    ]


def submit(article, sample: LabelledComment, **extra):
    """`sample` posted on `article` through the service, as the comment form would post it."""
    return comment_submit(
        article=article,
        name=sample.name,
        email=sample.email,
        url=sample.url,
        body=sample.body,
        fill_seconds=sample.fill_seconds,
        **extra,
    )
