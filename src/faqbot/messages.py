"""Every sentence a patient sees, in one place: named templates and the few functions that fill them.

The Bot (replies) and the REPL (welcome, help, topics, commands) take their words from here, so
the wording can be read, reviewed or translated without hunting through the decision code. A
template is a ``str.format`` pattern whose fields say what fills them; nothing here decides
anything, and nothing here prints.
"""

from __future__ import annotations

import re
from functools import lru_cache

# --- replies (bot.py) ----------------------------------------------------------------------------

EMPTY_QUESTION = "Please type a question about {topics}."
NO_TOPICS = "nothing yet"

CLARIFY_INTRO = "Your question could be about more than one thing. Which do you mean?"
CLARIFY_OUTRO = "Reply with the number, or ask again naming what you mean."
NUMBERED_OPTION = "  {number}. {question}"

# A folder of many subjects (a medicine site): the medicine named picks the page.
WHICH_MEDICINE = "Which medicine do you mean?"
WHICH_MEDICINE_EXAMPLE = "Please ask again with its name, for example: \"{example}\""
WHICH_OF_MEDICINES = "Which medicine do you mean: {names}?"
NO_PAGE_TOGETHER = ("I have no page about {names} together; please ask your pharmacist or doctor before "
                    "taking them together. Which medicine's page do you want?")
SUBJECT_OUTRO = "Reply with the number, or ask again naming the medicine."
MANY_TOPICS = "{count:,} subjects, such as {some}"

ANSWER_SOURCE = "\n\nSource: {citation}"
SEE_ALSO_INTRO = "See also:"
SEE_ALSO_OUTRO = "Reply with the number to read it."
CHOICE_OUT_OF_RANGE = "Please reply with {valid}, or ask a new question."
CHOICE_RANGE = "a number from 1 to {count}"
CHOICE_ONE = "1"
# Section headings that stand for the whole question-and-answer part of a document.
FAQ_SECTIONS = {"q&a": "FAQs", "q & a": "FAQs", "qa": "FAQs", "faq": "FAQs", "faqs": "FAQs",
                "frequently asked questions": "FAQs", "questions and answers": "FAQs"}

FALLBACK = "I'm sorry, I can't answer that from my documents. I can only answer questions about {topics}."
NOT_COVERED = "My documents don't cover {focus}."
# A follow-up that carries the last question on to something the documents say nothing of there
# ("and for kids?" after hair loss): the word is known elsewhere, so "don't cover" would be untrue.
NOT_SAID_FOR = "My documents don't say that for {focus}."
# A follow-up ("how come?", "does it go away?") that no other passage on the same thing answers.
NOTHING_MORE = "My documents don't say more about that."
FALLBACK_CLOSEST_INTRO = "The closest questions I can answer are:"
FALLBACK_CLOSEST_OUTRO = "Reply with a number to read one of them."
FALLBACK_ELSEWHERE = "For anything else, please ask your doctor or pharmacist."

DECLINED_SCOPE = "I can only answer questions about {topics} from my documents."
EMERGENCY_DOCUMENTS = "What the documents say ({question}):\n{answer}"

SMALLTALK_SCOPE = ("I answer questions about {topics}, using only the text of my source documents. "
                   "Ask me in your own words, for example: \"{example}\"")
SMALLTALK_OPENINGS = {
    "greeting": "Hello! ",
    "thanks": "You're welcome. ",
    "identity": "I'm {name}, an FAQ assistant, not a doctor. ",
    "help": "",
    "goodbye": "Goodbye, and take care. ",
}
# Closing small talk needs no advertisement of what the bot can do.
SMALLTALK_CLOSINGS = {"thanks": "You're welcome. Ask me anything else about {topics}.",
                      "goodbye": "Goodbye, and take care."}
SMALLTALK_ACKNOWLEDGE = "OK. Ask me anything else about {topics}."
SEVERAL_QUESTIONS = "({number} of {count}) {question}"

# --- the interactive prompt (repl.py) ------------------------------------------------------------

WELCOME = ("Hello, I'm {name}. I answer questions about {topics}, "
           "using only the text of my source documents, and I say so when I'm not sure.")
WELCOME_EXAMPLES = "Ask in your own words, for example: {examples}"
WELCOME_COMMANDS = "Type /help for commands, /topics for everything I can answer, bye to leave."

HELP_INTRO = "Ask a question in your own words, or use a command:"
HELP_COMMAND = "  {name:8} {meaning}"
HELP_TIPS = ("A follow-up such as \"what about alcohol?\" stays on the same subject.",
             "When I offer numbered questions, reply with the number to read one.",
             "Tab completes questions, Up/Down recalls earlier ones, Ctrl-C clears the line.")

TOPICS_INTRO = "These are the questions I can answer (Tab completes them at the prompt):"
TOPICS_HEADING = "{topic}:"
TOPICS_ITEM = "  {number}. {question}"
TOPICS_OUTRO = "Reply with a number to read that answer."

WHY_NOTHING_YET = "Ask a question first; then /why shows how I chose my answer."
WHY_INTRO = "How I chose my last answer (to \"{question}\"):"
WHY_TOPIC = "  conversation topic: {topic}"

UNKNOWN_COMMAND = "Sorry, I don't know the command {command}. {hint}The commands are {commands}."
UNKNOWN_COMMAND_HINT = "Did you mean {command}? "

GOODBYE = "Goodbye, and take care."
HOW_TO_LEAVE = "(To leave, press Ctrl-D or type /quit.)"
INTERRUPTED = "\n(Interrupted.)"


def and_list(names: list[str], empty: str = NO_TOPICS) -> str:
    """'a', 'a and b', 'a, b and c': how a sentence names a few things."""
    if len(names) <= 1:
        return names[0] if names else empty
    return ", ".join(names[:-1]) + " and " + names[-1]


def numbered(questions: list[str]) -> list[str]:
    """The numbered lines of offered questions, as a reply shows them (1-based)."""
    return [NUMBERED_OPTION.format(number=n, question=q) for n, q in enumerate(questions, 1)]


def sentence_case(text: str) -> str:
    """"Generic Name" -> "Generic name": headings as a sentence would name them; words in capitals
    (GABA, FAQs) and names inside stay as written."""
    words = text.split()
    out = []
    for position, word in enumerate(words):
        if position and word[:1].isupper() and word[1:].islower() and len(word) > 1:
            word = word.lower()
        out.append(word)
    result = " ".join(out)
    return result[:1].upper() + result[1:]


@lru_cache(maxsize=4096)
def citation(title: str, section: str | None) -> str:
    """Where an answer comes from as a patient would say it: "Magnesium valproate, FAQs". The
    document's title (its topic) and section heading, never a file name; an imported table's "row
    2" says nothing to a patient and is left out, as is a section that only repeats the title."""
    title = sentence_case(title.strip())
    section = (section or "").strip()
    if not section or re.fullmatch(r"(?i)row \d+", section):
        return title
    section = FAQ_SECTIONS.get(section.lower(), section)
    if section.casefold() == title.casefold():
        return title
    return f"{title}, {sentence_case(section)}"
