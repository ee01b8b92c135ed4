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
        "i feel short of breath after taking ibuprofen",
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
        "headache and a stiff neck",
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
