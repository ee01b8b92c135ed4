"""A document's own red flags become the extracted folder's emergency rules (authoring/redflags.py).

The six new documents (tests/data/newdocs) say themselves what is urgent. The messages here are
kinds, typed as patients type them, of each sign their urgent passages list ("call 999 ... if you
or someone else has:", "STOP taking ibuprofen and get medical help immediately if you have:"),
and of what must never be an emergency: a general question about the sign, a hypothetical, the
past, the sign denied, the same words about another document's subject, or the form of a medicine.
Each is checked against the folder's own layer (not the built-in one), so a sign the built-in
layer would catch anyway still proves its generated rule.
"""

import pytest

import faqbot
from faqbot.authoring.workspace import extract_into
from pathlib import Path

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def newdocs(tmp_path_factory):
    into = tmp_path_factory.mktemp("redflags") / "intents"
    extract_into(DATA / "newdocs", into)
    return into, faqbot.load(into)


def folder_rule(bot, message):
    """The folder's own red flag a message meets (None: it is no emergency of the documents)."""
    findings = bot.triage.assess(message).findings
    return next((f for f in findings if f.layer == "safety.yaml" and f.urgent), None)


def documents_rules(bot, message):
    """The documents whose generated rules a message meets (a sign two documents list, such as
    swollen lips, is reported from the first; both rules meet it)."""
    from faqbot.language.normalise import normalize

    text = normalize(message)
    return {rule.when.split(": ")[-1].split(" line ")[0] for rule in bot.safety.rules if rule.matches(text)}


FIRES = {
    # ibuprofen leaflet: "STOP taking ibuprofen and get medical help immediately if you have:"
    "ibuprofen-leaflet.md": [
        "my poo has gone black and tarry since i started ibuprofen",
        "black sticky stools, been on ibuprofen all week",
        "theres blood in my poo, taking ibuprofen for my back",
        "been taking ibuprofen and now my asthma is getting worse",
        "wheezing since i took ibuprofen and my asthma is worse",
        "came out in a rash with blisters after the ibuprofen",
        "rash and my skin is peeling, been on ibuprofen",
        "vomit has blood in it",
        "my heart is racing really fast since the ibuprofen",
        "short of breath and my heart is racing since the ibuprofen",
        "bloody poo and im being sick",
    ],
    # amlodipine: "Call your local emergency number immediately if you have swelling of the lips ..."
    "amlodipine.md": [
        "my lips are swelling up",
        "tongue has swollen after my amlodipine",
        "my throat feels swollen",
        "all of a sudden i feel really ill and ive got a rash",
    ],
    # asthma guide: "Call 999 ... immediately if you or someone else has signs of a severe asthma attack"
    "asthma-guide.md": [
        "my sons lips are going blue",
        "her fingers are turning grey",
        "im too breathless to talk",
        "so out of breath i cant speak",
        "my blue inhaler isnt working",
        "the reliever is not helping at all",
        "his breathing is getting faster and faster",
        "had 10 puffs and still dont feel better",
        "my daughter cant talk, shes struggling and so drowsy",
    ],
    # metformin: "Stop taking metformin and get emergency medical help if you have severe vomiting, ..."
    "metformin.html": [
        "on metformin, severe vomiting and tummy pain",
        "really bad vomiting and muscle cramps",
        "my heartbeat is really slow on metformin",
        "i feel really unwell and terribly tired, on metformin",
    ],
    # migraine blog: "This is an emergency. Call 999 or 911 ... if you or someone else has:"
    "migraine-blog.txt": [
        "sudden severe headache, worst ever",
        "worst headache of my life came on suddenly",
        "i think its a thunderclap headache",
        "one side of my face is drooping",
        "his speech is slurred",
        "headache and a fever, feeling awful",
        "bad headache with a high temperature",
        "headache since i banged my head",
        "suddenly lost my vision in one eye",
    ],
    # levetiracetam: "Call your emergency number straight away if you have signs of a serious allergic reaction"
    "levetiracetam.md": [
        "face swelling up on keppra",
        "my lips and tongue are swollen",
    ],
}

NEVER = [
    # general questions and definitions
    "can ibuprofen cause black stools",
    "does ibuprofen cause stomach bleeding",
    "what does black poo mean",
    "is a slow heartbeat a side effect of metformin",
    "what is a thunderclap headache",
    "what are the signs of a severe asthma attack",
    "how do i know if my inhaler is not working",
    "is it possible to get a rash with blisters from ibuprofen",
    "what is the difference between a migraine and a headache with a stiff neck",
    # hypotheticals
    "what if my lips go blue",
    "if i get swelling of my lips what should i do",
    "in case my reliever inhaler is not helping, who do i call",
    # the past
    "i had a thunderclap headache last year, can i take triptans",
    "my face drooped on one side years ago, is migraine linked",
    # the sign denied
    "no blood in my poo but my stomach hurts",
    "my lips are not swollen but they tingle",
    # the medicine's form, not a sign
    "does amlodipine come as a liquid? my mum cant swallow tablets",
    "i find it hard to swallow tablets, is there a liquid metformin",
    # another document's subject in the same words, or everyday complaints alone
    "laughing makes my asthma worse, weird?",
    "cant stay awake at work since starting levetiracetam",
    "metformin gives me a stomach ache",
    "feel sick and dizzy on metformin",
    "i get bad headaches with my periods",
    "i have a headache",
    "muscle cramps at night, is it the metformin",
    "is it ok to take ibuprofen with a cold",
]


@pytest.mark.parametrize("document,message", [(d, m) for d, ms in FIRES.items() for m in ms])
def test_each_documents_own_signs_are_its_emergencies(newdocs, document, message):
    _, bot = newdocs
    finding = folder_rule(bot, message)
    assert finding is not None, message
    assert document in documents_rules(bot, message)   # and a rule of that document's passage meets it


@pytest.mark.parametrize("message", NEVER)
def test_general_questions_hypotheticals_past_and_everyday_complaints_never_fire(newdocs, message):
    _, bot = newdocs
    assert folder_rule(bot, message) is None, message


def test_an_emergency_reply_brings_the_passage_that_holds_the_sign(newdocs):
    _, bot = newdocs
    reply = bot.reply("my poo has gone black and tarry since i started ibuprofen")
    assert reply.status.value == "emergency"
    assert "black tarry stools" in reply.text   # the leaflet's own list, after the urgent instruction
    assert reply.text.index("emergency") < reply.text.index("black tarry stools")


# --- the file: written as extraction writes everything ---------------------------------------------


import io
import re
import shutil

import yaml

from faqbot.cli import main
from faqbot.content.intents import bundled_intents


def rules_of(folder):
    return {r["id"]: r for r in yaml.safe_load((folder / "safety.yaml").read_text(encoding="utf-8"))["rules"]}


def extract(documents, into, *extra):
    out, err = io.StringIO(), io.StringIO()
    code = main(["extract", str(documents), "--into", str(into), *extra], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_extract_says_what_it_wrote_and_check_runs_every_generated_case(tmp_path):
    into = tmp_path / "intents"
    code, out, _ = extract(DATA / "newdocs", into)
    assert code == 0
    rules = rules_of(into)
    line = re.search(r"^(.*safety\.yaml): written, (\d+) red flags from the documents' urgent passages \((\d+) added\)$",
                     out, re.M)
    assert line is not None, out
    assert int(line.group(2)) == int(line.group(3)) == len(rules) > 30
    assert all(r["cases"]["fires"] and r["cases"]["never"] and r["see"] and r["source"]["digest"] for r in rules.values())
    check = io.StringIO()
    assert main(["--intents", str(into), "check"], stdout=check, stderr=io.StringIO()) == 0
    total = sum(len(r["cases"]["fires"]) + len(r["cases"]["never"]) for r in rules.values())
    assert re.search(rf"rule cases: (\d+)/\1 pass", check.getvalue())
    assert int(re.search(r"rule cases: (\d+)/", check.getvalue()).group(1)) >= total
    assert f"safety.yaml: {len(rules)} red flags of this folder" in check.getvalue()


def test_overdose_passages_are_left_to_the_built_in_rule(tmp_path):
    into = tmp_path / "intents"
    extract_into(DATA / "newdocs", into)
    overdose_lines = {("ibuprofen-leaflet.md", 115), ("amlodipine.md", 41), ("levetiracetam.md", 82), ("metformin.html", 75)}
    assert not {(r["source"]["file"], r["source"]["line"]) for r in rules_of(into).values()} & overdose_lines
    # "call a doctor or get medical help straight away" offers a doctor first: no emergency rule
    assert not [r for r in rules_of(into).values() if r["source"]["file"] == "amlodipine.md" and r["source"]["line"] < 72]


def test_staff_edits_deletions_and_own_rules_survive_re_extraction(tmp_path):
    into = tmp_path / "intents"
    extract_into(DATA / "newdocs", into)
    path = into / "safety.yaml"
    text = path.read_text(encoding="utf-8")
    rules = rules_of(into)
    edited_id, deleted_id = "ibuprofen-black-tarry-stools", "migraine-thunderclap-headache"
    assert {edited_id, deleted_id} <= set(rules)
    # staff: reword one rule's description, delete another, add their own rule with a comment
    text = text.replace(rules[edited_id]["when"].replace('"', '\\"'), "tarry poo: our pharmacist's wording", 1)
    data = yaml.safe_load(text)
    assert any(r["when"] == "tarry poo: our pharmacist's wording" for r in data["rules"])
    start = text.index(f"  - id: {deleted_id}\n")
    end = text.index("\n  - id: ", start + 1) + 1
    text = text[:start] + text[end:]
    text = text.replace("rules:\n", "rules:\n  # ours: the clinic's own red flag\n  - id: clinic-own\n"
                                    "    when: our own\n    patterns: [\"\\\\bpurple toes\\\\b\"]\n", 1)
    path.write_text(text, encoding="utf-8")
    code, out, _ = extract(DATA / "newdocs", into)
    assert code == 0
    after = path.read_text(encoding="utf-8")
    rules = rules_of(into)
    assert rules[edited_id]["when"] == "tarry poo: our pharmacist's wording"
    assert deleted_id not in rules
    assert "clinic-own" in rules and "# ours: the clinic's own red flag" in after
    # the file staff left is already the merge: it is not rewritten
    assert re.search(r"safety\.yaml: unchanged, \d+ red flags .*\(\d+ unchanged, 1 edited by you, kept, "
                     r"1 deleted by you, not added back\); your 1 own rules kept", out), out
    # and once more: nothing to change, nothing written
    code, out, _ = extract(DATA / "newdocs", into)
    assert path.read_text(encoding="utf-8") == after
    assert "safety.yaml: unchanged" in out
    # a document's sign changes: the unedited rule follows it, the edited one stays staff's
    changed = tmp_path / "docs"
    shutil.copytree(DATA / "newdocs", changed)
    leaflet = changed / "ibuprofen-leaflet.md"
    leaflet.write_text(leaflet.read_text(encoding="utf-8").replace("black tarry stools", "black, tarry stools")
                       .replace("a fast heartbeat", "a very fast heartbeat or palpitations"), encoding="utf-8")
    code, out, _ = extract(changed, into)
    rules = rules_of(into)
    assert rules[edited_id]["when"] == "tarry poo: our pharmacist's wording"
    assert [r for r in rules.values() if r["when"].startswith("a very fast heartbeat or palpitations")]
    assert "ibuprofen-a-fast-heartbeat" not in rules   # unedited, its sign gone: removed


def test_a_hand_written_safety_file_is_merged_by_rule_id_never_replaced(tmp_path):
    into = tmp_path / "intents"
    into.mkdir()
    staff = (bundled_intents() / "safety.yaml").read_text(encoding="utf-8")
    (into / "safety.yaml").write_text(staff.replace("see: [valproate-serious-side-effects]", "see: []"),
                                      encoding="utf-8")
    before = rules_of(into)
    code, out, _ = extract(DATA / "newdocs", into)
    assert code == 0
    after = rules_of(into)
    for rule_id, rule in before.items():
        assert after[rule_id] == rule   # staff's rules exactly as they were
    assert len(after) > len(before)
    text = (into / "safety.yaml").read_text(encoding="utf-8")
    assert text.startswith("# This folder's own red flags")   # and their comments
    assert f"your {len(before)} own rules kept" in out


def test_dry_run_shows_the_safety_file_and_writes_nothing(tmp_path):
    into = tmp_path / "intents"
    code, out, _ = extract(DATA / "newdocs", into, "--dry-run")
    assert code == 0 and not into.exists()
    assert re.search(r"^\+\+\+ .*safety\.yaml$", out, re.M)
    assert "+  - id: ibuprofen-black-tarry-stools" in out


def test_an_invalid_safety_file_stops_extraction_with_its_line(tmp_path):
    into = tmp_path / "intents"
    into.mkdir()
    (into / "safety.yaml").write_text("rules:\n  - id: x\n    patterns: [\"(\"]\n", encoding="utf-8")
    code, out, err = extract(DATA / "newdocs", into)
    assert code != 0
    assert re.search(r"safety\.yaml:3: invalid regular expression", err), err
    assert not (into / "amlodipine.yaml").exists()


def test_documents_without_urgent_passages_get_no_safety_file(tmp_path):
    documents = tmp_path / "docs"
    documents.mkdir()
    shutil.copy(DATA / "newdocs" / "asthma-guide.md", documents)
    (documents / "asthma-guide.md").write_text(
        "# Hay fever\n\n## Symptoms\n\nSneezing and itchy eyes. See a pharmacist if it does not settle.\n",
        encoding="utf-8")
    into = tmp_path / "intents"
    code, out, _ = extract(documents, into)
    assert code == 0 and not (into / "safety.yaml").exists()
    assert "safety.yaml" not in out


def test_a_rule_whose_passage_staff_deleted_still_loads(tmp_path):
    into = tmp_path / "intents"
    extract_into(DATA / "newdocs", into)
    path = into / "ibuprofen-leaflet.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: ibuprofen-side-effects-serious\n")
    end = text.index("\n  - id: ", start + 1) + 1
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    extract_into(DATA / "newdocs", into)
    # It points at what still holds the passage (the side effects section's whole answer), never
    # at the deleted intent.
    see = rules_of(into)["ibuprofen-black-tarry-stools"]["see"]
    assert "ibuprofen-side-effects-serious" not in see
    bot = faqbot.load(into)
    assert all(bot.intent_set.by_id()[i] for i in see)
    assert folder_rule(bot, "black tarry stools since the ibuprofen") is not None


OTHER_MEDICINES = ["bisoprolol", "cetirizine", "doxycycline", "famotidine", "gabapentin", "losartan", "naproxen",
                   "ramipril", "sertraline", "tamsulosin", "zopiclone"]


@pytest.mark.parametrize("others", [0, len(OTHER_MEDICINES)], ids=["two pages", "a site read by medicine names"])
def test_a_pages_red_flag_is_not_met_by_a_message_about_another_medicine(tmp_path, others):
    """One page's serious side effect ("swollen ankles: get medical help immediately") is that
    medicine's: a message naming only another medicine, whose page calls the same sign common,
    is answered from that page, not raised as an emergency. Naming the first medicine, or no
    medicine at all, still meets the red flag. The same in a folder of many subjects, where the
    names are read as a site's are (matching/entities.py)."""
    from faqbot.bot import Status

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in OTHER_MEDICINES[:others]:
        (docs / f"{name}.md").write_text(f"# {name.title()}\n\n## Uses\n\n{name.title()} is a medicine.\n\n"
                                         f"## Dosage\n\nTake {name} once a day.\n", encoding="utf-8")
    (docs / "aceclofenac.md").write_text(
        "# Aceclofenac\n\n## Uses\n\nAceclofenac eases pain and swelling in arthritis.\n\n## Side effects\n\n"
        "Serious side effects (stop taking it and get medical help immediately):\n\n"
        "- passing very little urine, or swollen ankles, which may mean kidney problems\n"
        "- yellowing of the skin or the whites of the eyes\n", encoding="utf-8")
    (docs / "amlodipine.md").write_text(
        "# Amlodipine\n\n## Uses\n\nAmlodipine treats high blood pressure.\n\n## Side effects\n\n"
        "Common side effects:\n\n- swollen ankles or feet\n- flushing\n- headaches\n", encoding="utf-8")
    into = tmp_path / "intents"
    extract_into(docs, into)
    bot = faqbot.load(into)
    assert (bot.entities is not None) == bool(others)
    assert any("ankle" in rule.id for rule in bot.safety.rules)       # the page's own red flag
    assert bot.reply("amlodipine and my ankles are swollen").status is Status.ANSWERED
    assert bot.reply("my ankles are swollen since i started aceclofenac").status is Status.EMERGENCY
    assert bot.reply("my ankles are really swollen").status is Status.EMERGENCY
