"""A deterministic medicine site: 6,500 drug pages in the formats of the public site our first
document comes from, written from templates (no page is copied), for the scale benchmark and,
in small slices, for tests.

    python benchmarks/sitegen.py OUT_DIR [--pages 6500] [--seed 16]

Why generated: the site itself is not ours to ship, and a benchmark must be reproducible. The
generator keeps what makes the site hard for faqbot:
- two page formats: ``**Label:**`` paragraphs (like the bundled magnesium valproate page) and
  ``### Usage / Dosage / Side Effects / How it Works / Precautions / FAQs`` headings, each with
  front matter, a ``**Generic Name:**`` field, FAQ bullets and the site's disclaimer and note;
- many combination products ("diclofenac + paracetamol + serratiopeptidase") beside the
  single-ingredient pages of their ingredients, and salts sharing a word ("magnesium
  hydroxide", "magnesium valproate"), so naming the right medicine matters;
- "also known as" and brand-name lines on some pages;
- the same FAQ questions on every page ("What should I do if I miss a dose?"), so a question
  naming no medicine fits thousands of pages equally.

Page ``i`` depends only on the seed and ``i``: the first N pages of any run are the same, so a
test's 40-page slice is the head of the benchmark's 6,500-page site. Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

SITE_PAGES = 6500

# Real generic names (facts, not text), by the kind of medicine they are: each kind has its own
# sentences below. Synthetic names extend every kind to the site's size.
KINDS = {
    "analgesic": ["paracetamol", "ibuprofen", "diclofenac", "naproxen", "aceclofenac", "tramadol", "aspirin",
                  "ketorolac", "mefenamic acid", "etoricoxib", "celecoxib", "nimesulide", "codeine"],
    "enzyme": ["serratiopeptidase", "trypsin", "chymotrypsin", "bromelain"],
    "antibiotic": ["amoxicillin", "azithromycin", "ciprofloxacin", "doxycycline", "cefixime", "cephalexin",
                   "clarithromycin", "levofloxacin", "metronidazole", "ofloxacin", "clavulanic acid",
                   "linezolid", "nitrofurantoin"],
    "antidepressant": ["sertraline", "fluoxetine", "escitalopram", "paroxetine", "amitriptyline",
                       "mirtazapine", "duloxetine", "venlafaxine"],
    "antiepileptic": ["magnesium valproate", "sodium valproate", "levetiracetam", "carbamazepine",
                      "lamotrigine", "phenytoin", "topiramate", "clobazam", "oxcarbazepine"],
    "antacid": ["magnesium hydroxide", "aluminium hydroxide", "magnesium trisilicate", "simethicone",
                "pantoprazole", "omeprazole", "ranitidine", "famotidine", "domperidone", "esomeprazole"],
    "supplement": ["magnesium oxide", "magnesium sulfate", "magnesium citrate", "calcium carbonate",
                   "vitamin d3", "folic acid", "ferrous ascorbate", "zinc sulfate", "methylcobalamin",
                   "vitamin b6"],
    "antihypertensive": ["amlodipine", "telmisartan", "losartan", "metoprolol", "atenolol",
                         "hydrochlorothiazide", "ramipril", "olmesartan", "chlorthalidone"],
    "antidiabetic": ["metformin", "glimepiride", "sitagliptin", "vildagliptin", "dapagliflozin",
                     "empagliflozin", "gliclazide", "pioglitazone", "voglibose"],
    "antihistamine": ["cetirizine", "levocetirizine", "fexofenadine", "montelukast", "chlorpheniramine",
                      "phenylephrine", "loratadine", "ambroxol", "guaifenesin", "dextromethorphan"],
}

# Anchors first: the pages tests and the benchmark's probe questions rely on, so every slice
# of 40 pages or more holds them. Lower-case ingredient lists; the title is derived.
ANCHORS = [
    ("paracetamol",), ("diclofenac", "paracetamol", "serratiopeptidase"), ("paracetamol", "caffeine"),
    ("amoxicillin",), ("amoxicillin", "clavulanic acid"), ("tramadol",), ("sertraline",),
    ("tramadol", "paracetamol"), ("magnesium valproate",), ("magnesium hydroxide",),
    ("magnesium sulfate",), ("magnesium oxide",), ("magnesium hydroxide", "aluminium hydroxide", "simethicone"),
    ("diclofenac",), ("serratiopeptidase",), ("ibuprofen",), ("ibuprofen", "paracetamol"),
    ("metformin",), ("glimepiride", "metformin"), ("cetirizine",),
]
KINDS["analgesic"].append("caffeine")

_ONSETS = ["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cl", "dr", "pr", "tr", "fl"]
_VOWELS = ["a", "e", "i", "o", "u", "ar", "en", "or", "ol", "ix"]
_ENDINGS = {
    "analgesic": ["profen", "fenac", "coxib", "dolol"], "enzyme": ["ase", "peptidase", "zyme"],
    "antibiotic": ["cillin", "mycin", "floxacin", "cycline", "cef"], "antidepressant": ["oxetine", "pramine", "traline"],
    "antiepileptic": ["etam", "zepine", "trigine", "bamate"], "antacid": ["prazole", "tidine", "silate"],
    "supplement": ["ferol", "cobalamin", "ate"], "antihypertensive": ["dipine", "sartan", "olol", "pril"],
    "antidiabetic": ["gliptin", "gliflozin", "formin", "glitazone"], "antihistamine": ["tadine", "rizine", "lukast"],
}
_BRAND_ENDINGS = ["ex", "on", "ol", "a", "in", "ax", "ira", "ofen", "is", "uma"]


@dataclass
class Page:
    """One drug page: its ingredients (one or more), kinds, names and file name."""

    number: int
    ingredients: tuple[str, ...]
    kinds: tuple[str, ...]
    brands: list[str] = field(default_factory=list)
    also_known_as: list[str] = field(default_factory=list)
    headings: bool = False          # ``### Usage`` format instead of ``**Usage:**`` labels

    @property
    def title(self) -> str:
        return " + ".join(_titled(i) for i in self.ingredients)

    @property
    def generic(self) -> str:
        return " + ".join(self.ingredients)

    @property
    def file_name(self) -> str:
        slug = "-".join("".join(c if c.isalnum() else "-" for c in i).strip("-") for i in self.ingredients)
        return f"{self.number:04d}-{slug}.md"


def _titled(name: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in name.split())


def _synthetic_name(rng: random.Random, kind: str) -> str:
    stem = rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_ONSETS) + rng.choice(_VOWELS)
    return stem + rng.choice(_ENDINGS[kind])


def catalogue(seed: int = 16, size: int = 3600) -> list[tuple[str, str]]:
    """(ingredient, kind) for every ingredient the site knows: the real names, then synthetic
    ones until ``size``, each name once."""
    rng = random.Random(f"catalogue:{seed}")
    items = [(name, kind) for kind, names in KINDS.items() for name in names]
    seen = {name for name, _ in items}
    kinds = list(KINDS)
    while len(items) < size:
        kind = kinds[len(items) % len(kinds)]
        name = _synthetic_name(rng, kind)
        if name not in seen:
            seen.add(name)
            items.append((name, kind))
    return items


def plan(pages: int = SITE_PAGES, seed: int = 16) -> list[Page]:
    """The site's pages in order: anchors, then single-ingredient pages and combinations
    interleaved (about 45% combinations of two or three ingredients, partners of a kind that is
    prescribed together), every page's ingredients unique on the site."""
    items = catalogue(seed)
    kind_of = dict(items)
    by_kind: dict[str, list[str]] = {}
    for name, kind in items:
        by_kind.setdefault(kind, []).append(name)
    companions = {"analgesic": ["analgesic", "enzyme", "antacid"], "antibiotic": ["antibiotic", "enzyme"],
                  "antidiabetic": ["antidiabetic"], "antihypertensive": ["antihypertensive"],
                  "antihistamine": ["antihistamine", "analgesic"], "antacid": ["antacid"],
                  "supplement": ["supplement"], "antidepressant": ["antidepressant", "antiepileptic"],
                  "antiepileptic": ["antiepileptic", "supplement"], "enzyme": ["enzyme", "analgesic"]}
    result: list[Page] = []
    used: set[tuple[str, ...]] = set()
    singles = iter(name for name, _ in items)
    k = 0
    while len(result) < pages:
        if k < len(ANCHORS):
            ingredients = ANCHORS[k]
        else:
            rng = random.Random(f"page:{seed}:{k}")
            single = next(singles, None) if rng.random() < 0.55 else None
            if single is not None:
                ingredients = (single,)
            else:
                first, kind = rng.choice(items[:600] if rng.random() < 0.7 else items)
                count = 2 if rng.random() < 0.7 else 3
                chosen = [first]
                while len(chosen) < count:
                    partner = rng.choice(by_kind[rng.choice(companions[kind])])
                    if partner not in chosen:
                        chosen.append(partner)
                ingredients = tuple(chosen)
        k += 1
        if ingredients in used:
            continue
        used.add(ingredients)
        rng = random.Random(f"names:{seed}:{len(result)}")
        page = Page(len(result), ingredients, tuple(kind_of[i] for i in ingredients),
                    headings=rng.random() < 0.5)
        if rng.random() < 0.35:
            page.brands = sorted({_brand(rng, ingredients) for _ in range(rng.randint(1, 3))})
        if len(ingredients) == 1 and rng.random() < 0.2:
            page.also_known_as = [_alias(ingredients[0])]
        result.append(page)
    return result


def _brand(rng: random.Random, ingredients: tuple[str, ...]) -> str:
    letters = "".join(word[:3] for word in ingredients[0].split())[:4]
    return (letters + rng.choice(_BRAND_ENDINGS)).capitalize() + (" Plus" if len(ingredients) > 1 else "")


def _alias(name: str) -> str:
    """A spelling the site also uses: "paracetamol (acetaminophen)" style, made up by rule."""
    real = {"paracetamol": "acetaminophen", "amoxicillin": "amoxycillin", "cephalexin": "cefalexin",
            "aluminium hydroxide": "aluminum hydroxide", "magnesium sulfate": "magnesium sulphate",
            "ranitidine": "ranitidine hydrochloride", "vitamin d3": "cholecalciferol"}
    return real.get(name, name + " " + ("hydrochloride" if len(name) % 2 else "sodium"))


# ---- sentences, by kind -------------------------------------------------------------------------

USES = {
    "analgesic": ["relieve mild to moderate pain such as headache, toothache and back pain", "reduce fever",
                  "ease pain and swelling after an injury or minor surgery", "relieve period pain"],
    "enzyme": ["reduce swelling and inflammation after surgery or injury", "help clear mucus and reduce tissue swelling"],
    "antibiotic": ["treat bacterial infections of the chest, ear, throat and urinary tract",
                   "treat skin and soft tissue infections", "prevent infection before some procedures"],
    "antidepressant": ["treat depression and anxiety disorders", "treat panic disorder and obsessive-compulsive disorder",
                       "help with long-lasting nerve pain"],
    "antiepileptic": ["control seizures in epilepsy", "stabilise mood in bipolar disorder", "prevent migraine attacks"],
    "antacid": ["relieve heartburn, acidity and indigestion", "treat stomach ulcers and acid reflux",
                "ease bloating and wind"],
    "supplement": ["treat or prevent a deficiency in the body", "support healthy bones and muscles",
                   "correct low levels found in a blood test"],
    "antihypertensive": ["lower high blood pressure", "reduce the risk of heart attack and stroke",
                         "treat chest pain caused by angina"],
    "antidiabetic": ["control blood sugar in type 2 diabetes", "lower blood sugar together with diet and exercise"],
    "antihistamine": ["relieve allergy symptoms such as sneezing, runny nose and itching",
                      "ease a blocked nose and cough caused by a cold", "treat hives and skin allergies"],
}
WORKS = {
    "analgesic": "blocks the production of prostaglandins, chemicals that cause pain, fever and inflammation",
    "enzyme": "breaks down proteins that build up at the site of inflammation, so swelling settles faster",
    "antibiotic": "stops bacteria from building their cell walls or making proteins, so they die or stop multiplying",
    "antidepressant": "increases the amount of serotonin available to nerve cells in the brain, which lifts mood",
    "antiepileptic": "calms overactive electrical signals in the brain that cause seizures",
    "antacid": "neutralises or reduces stomach acid, which protects the lining of the stomach and gullet",
    "supplement": "replaces a mineral or vitamin the body needs for nerves, muscles and bones",
    "antihypertensive": "relaxes blood vessels or slows the heart, so blood flows more easily and pressure falls",
    "antidiabetic": "helps the body use insulin better or lowers the sugar made by the liver",
    "antihistamine": "blocks histamine, a chemical the body releases during an allergic reaction",
}
COMMON = {
    "analgesic": ["nausea", "stomach upset", "heartburn", "dizziness", "drowsiness"],
    "enzyme": ["nausea", "loss of appetite", "skin rash"],
    "antibiotic": ["diarrhoea", "nausea", "vomiting", "skin rash", "thrush"],
    "antidepressant": ["nausea", "sleep problems", "dry mouth", "sweating", "headache"],
    "antiepileptic": ["drowsiness", "weight gain", "tremor", "hair loss", "dizziness"],
    "antacid": ["constipation", "diarrhoea", "wind", "chalky taste"],
    "supplement": ["constipation", "stomach cramps", "dark stools", "nausea"],
    "antihypertensive": ["ankle swelling", "dizziness", "tiredness", "headache", "flushing"],
    "antidiabetic": ["stomach upset", "diarrhoea", "metallic taste", "low blood sugar"],
    "antihistamine": ["drowsiness", "dry mouth", "headache", "tiredness"],
}
SERIOUS = {
    "analgesic": ["stomach bleeding", "liver damage at high doses", "kidney problems"],
    "enzyme": ["bleeding problems", "severe allergic reaction"],
    "antibiotic": ["severe diarrhoea with blood", "severe allergic reaction with swelling of the face"],
    "antidepressant": ["thoughts of self-harm", "serotonin syndrome", "unusual bleeding"],
    "antiepileptic": ["liver damage", "pancreatitis", "severe skin reactions"],
    "antacid": ["kidney problems with long use", "low magnesium levels"],
    "supplement": ["irregular heartbeat at very high doses", "kidney stones"],
    "antihypertensive": ["fainting", "very slow heartbeat", "swelling of the face or tongue"],
    "antidiabetic": ["lactic acidosis", "severe low blood sugar", "pancreatitis"],
    "antihistamine": ["fast heartbeat", "difficulty passing urine", "seizures in rare cases"],
}
DOSES = {
    "analgesic": "one tablet every 6 to 8 hours with food, no more than the daily limit on the pack",
    "enzyme": "one tablet two or three times a day, swallowed whole before meals",
    "antibiotic": "one dose two or three times a day for the full course, even when you feel better",
    "antidepressant": "one tablet once a day, in the morning or evening, at the same time each day",
    "antiepileptic": "a dose built up slowly over a few weeks, taken twice a day",
    "antacid": "one or two tablets or 10 ml after meals and at bedtime",
    "supplement": "one tablet a day with food, or as your doctor advises after a blood test",
    "antihypertensive": "one tablet once a day at the same time, with or without food",
    "antidiabetic": "one tablet once or twice a day with meals",
    "antihistamine": "one tablet once a day, preferably in the evening",
}
PRECAUTIONS = {
    "analgesic": "Tell your doctor if you have stomach ulcers, liver or kidney disease, or asthma.",
    "enzyme": "Tell your doctor if you have a bleeding disorder or take blood thinners.",
    "antibiotic": "Tell your doctor if you are allergic to any antibiotic or have kidney problems.",
    "antidepressant": "Do not stop suddenly; tell your doctor about any thoughts of self-harm.",
    "antiepileptic": "Do not stop suddenly, as seizures may return; women should discuss pregnancy plans first.",
    "antacid": "Leave two hours between this and other medicines, as it can stop them being absorbed.",
    "supplement": "Do not take more than the recommended dose; tell your doctor if you have kidney disease.",
    "antihypertensive": "Stand up slowly to avoid dizziness; have your blood pressure checked regularly.",
    "antidiabetic": "Check your blood sugar as advised and carry a sugary snack in case it falls too low.",
    "antihistamine": "Do not drive or use machines if it makes you drowsy; avoid alcohol.",
}
ADDICTIVE = {"analgesic": "can be habit-forming if it contains an opioid, so use only as prescribed",
             "antidepressant": "is not addictive, but stopping suddenly can cause withdrawal symptoms"}


def _names(page: Page) -> str:
    return page.generic


def _page_text(page: Page, seed: int) -> str:
    rng = random.Random(f"text:{seed}:{page.number}")
    subject = _names(page)
    kinds = list(dict.fromkeys(page.kinds))
    uses = [rng.choice(USES[kind]) for kind in kinds]
    common = sorted({effect for kind in kinds for effect in rng.sample(COMMON[kind], 3)})
    serious = sorted({effect for kind in kinds for effect in rng.sample(SERIOUS[kind], 2)})
    combination = len(page.ingredients) > 1
    usage = (f"{_titled(subject) if not combination else page.title} is used to {' and to '.join(uses)}. "
             f"{'Each ingredient works in a different way, and together they give more relief than either alone. ' if combination else ''}"
             "Your doctor will decide the right treatment for you; do not change it without asking.")
    dosage = (f"The usual adult dose of {subject} is {DOSES[kinds[0]]}. "
              "Children and older people may need a lower dose. Always follow the label or your doctor's advice.")
    works = " ".join(f"{_titled(i)} {WORKS[k]}." for i, k in zip(page.ingredients, page.kinds))
    precautions = " ".join(PRECAUTIONS[kind] for kind in kinds)
    faqs = [
        (f"Is {subject} addictive?", f"{_titled(subject)} {ADDICTIVE.get(kinds[0], 'is not known to be addictive')}."),
        (f"Can I drink alcohol while taking {subject}?",
         rng.choice(["It is best to avoid alcohol, as it can make side effects such as drowsiness worse.",
                     "Alcohol should be limited, as it can increase the risk of stomach and liver side effects."])),
        ("What should I do if I miss a dose?",
         "Take it as soon as you remember, unless it is nearly time for the next dose. Do not take a double dose."),
        (f"Is {subject} safe during pregnancy?",
         rng.choice(["Ask your doctor before using it during pregnancy or breastfeeding; it is used only when the benefit outweighs the risk.",
                     "It is not recommended in pregnancy unless your doctor advises it after weighing the risks."])),
        (f"Can I take {subject} with other medications?",
         "Tell your doctor and pharmacist about every medicine, supplement and herbal remedy you take, as some interact."),
    ]
    if rng.random() < 0.5:
        faqs.append((f"How long does {subject} take to work?",
                     rng.choice(["Most people notice an effect within an hour.", "It may take a few days to a few weeks to work fully."])))
    lines = ["---", "layout: default", "nav_exclude: true", f"title: {page.title}", "---", "", f"# {page.title}", "",
             f"**Generic Name:** {page.generic}", ""]
    if page.also_known_as:
        lines += [f"**Also Known As:** {', '.join(page.also_known_as)}", ""]
    if page.brands:
        lines += [f"**Brand Names:** {', '.join(page.brands)}", ""]
    sections = [("Usage", [usage]), ("Dosage", [dosage]),
                ("Side Effects", [f"Common side effects of {subject} include:", ""]
                 + [f"* {effect[:1].upper() + effect[1:]}" for effect in common]
                 + ["", "More serious side effects, though less common, include:", ""]
                 + [f"* **{effect[:1].upper() + effect[1:]}:** seek medical help straight away" for effect in serious]),
                ("How it Works", [works]), ("Precautions", [precautions])]
    for name, body in sections:
        lines += [f"### {name}" if page.headings else f"**{name}:**", ""] + body + [""]
    lines += ["### FAQs" if page.headings else "**FAQs:**", ""]
    for question, answer in faqs:
        lines += [f"* **{question}** {answer}", ""]
    lines += ["**Disclaimer:** This information is for general knowledge and does not constitute medical advice. "
              "Always consult with a healthcare professional before starting or changing any medication.", "",
              "**Note:** This information is AI-generated or crowd-sourced and may not be accurate. "
              "Please consult a medical professional for verified advice.", ""]
    return "\n".join(lines)


def write_site(folder: Path, pages: int = SITE_PAGES, seed: int = 16) -> list[Page]:
    """Write the first ``pages`` pages of the site into ``folder`` (created); return their plan."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    site = plan(pages, seed)
    for page in site:
        (folder / page.file_name).write_text(_page_text(page, seed), encoding="utf-8")
    return site


def write_intents(folder: Path, pages: int = SITE_PAGES, seed: int = 16) -> Path:
    """Write the first ``pages`` pages both as documents (``folder/documents``) and as the intents
    folder an extraction with unique, subject-derived ids gives (``folder/intents``): one intent
    per labelled field, section and FAQ bullet, the page's title as its topic, ids prefixed by the
    page's file name so two pages about one medicine never collide. Written directly rather than
    through ``faqbot extract`` so the benchmark measures loading and answering, whatever state
    extraction is in (``--extract`` in bench_site.py runs the real extractor instead)."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    folder = Path(folder)
    documents, intents = folder / "documents", folder / "intents"
    site = write_site(documents, pages, seed)
    intents.mkdir(parents=True, exist_ok=True)
    (intents / "bot.yaml").write_text(
        "name: medicines\ndisclaimer: This information is for general knowledge and does not constitute medical "
        "advice. Always consult with a healthcare professional before starting or changing any medication.\n",
        encoding="utf-8")
    for page in site:
        entries = []
        for number, (section, question, answer, first, last) in enumerate(_sections_of(page, seed)):
            entries.append({"id": f"{page.file_name[:-3]}-{number:02d}", "question": question, "answer": answer,
                            "topic": page.title.lower(),
                            "source": {"file": page.file_name, "section": section, "lines": [first, last]}})
        data = {"document": f"../documents/{page.file_name}", "intents": entries}
        (intents / (page.file_name[:-3] + ".yaml")).write_text(
            yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    return intents


_QUESTIONS = {"Generic Name": "What is the generic name of {s}?", "Also Known As": "What else is {s} called?",
              "Brand Names": "What are the brand names of {s}?", "Usage": "What is {s} used for?",
              "Dosage": "What is the usual dose of {s}?", "Side Effects": "What are the side effects of {s}?",
              "How it Works": "How does {s} work?", "Precautions": "What precautions should I take with {s}?"}


def _sections_of(page: Page, seed: int):
    """(section, question, answer, first line, last line) of every answerable piece of a page,
    read back from its text as an extractor would."""
    lines = _page_text(page, seed).split("\n")
    subject = page.generic
    current, start, body = None, 0, []
    found = []

    def close():
        if current is None:
            return
        while body and not body[-1].strip():
            body.pop()
        text = "\n".join(body).strip()
        if current == "FAQs":
            for k, line in enumerate(lines[start:start + len(body)], start + 1):
                if line.startswith("* **"):
                    question, answer = line[4:].split("** ", 1)
                    found.append(("FAQs", question, answer, k, k))
        elif text and current in _QUESTIONS:
            found.append((current, _QUESTIONS[current].format(s=subject), text, start + 1, start + len(body)))

    for number, line in enumerate(lines):
        label = line[4:] if line.startswith("### ") else line[2:-3] if line.startswith("**") and line.endswith(":**") else None
        inline = line.startswith("**") and ":** " in line
        if label or inline:
            close()
            if inline:
                name, value = line[2:].split(":** ", 1)
                current, start, body = (name, number, [value]) if name in _QUESTIONS else (None, 0, [])
                close()
                current = None
            else:
                current, start, body = label, number + 1, []
        elif current is not None:
            if not body and not line.strip():
                start = number + 1      # the body starts at its first non-blank line
                continue
            body.append(line)
    close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--pages", type=int, default=SITE_PAGES)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--intents", action="store_true",
                        help="also write the intents folder (FOLDER/documents and FOLDER/intents)")
    args = parser.parse_args()
    if args.intents:
        write_intents(args.folder, args.pages, args.seed)
        site = plan(args.pages, args.seed)
    else:
        site = write_site(args.folder, args.pages, args.seed)
    combos = sum(1 for page in site if len(page.ingredients) > 1)
    print(f"{len(site)} pages ({combos} combination products) in {args.folder}")


if __name__ == "__main__":
    main()
