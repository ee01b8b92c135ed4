"""Command line: the only place that prints errors and chooses exit codes.

Exit codes: 0 ok; 1 some records failed (batch), answers drifted from their documents (check)
or a gate failed (coverage); 2 usage or data error; 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import gc
import os
import signal
import sys
from pathlib import Path

from . import __version__
from .display import printable
from .errors import FaqbotError

EXIT_OK, EXIT_RECORDS_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# Signals that end a run like Ctrl-C (a container stop, a closed ssh session): exit 128 + number.
STOP_SIGNALS = {signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}

EPILOG = """\
commands:
  chat        talk to the bot at an interactive prompt (the default on a terminal)
  ask         answer one question
  batch       answer question files (txt, csv, tsv, jsonl, yaml, or - for stdin)
  init        create an editable intents folder (a copy of the bundled one, or from documents)
  extract     turn documents (md, html, txt) into intents (keeps every curated edit)
  import      turn an FAQ table (csv, tsv, json, yaml) into intents
  check       validate an intents folder (every error, with file:line) and its answers' documents
  coverage    run coverage tests (or --self-check) and report what to fix; gates for CI
  review      group logged unanswered questions and propose examples for the intents
  serve       web chat for a clinic's site: an HTTP API and an embeddable page (needs faqbot[web])

The intents folder is --intents DIR (before or after the command), or FAQBOT_INTENTS, or the
bundled one (read-only once installed: 'faqbot init DIR' makes a copy you can edit). With no command, a terminal gets the prompt and piped input is answered as a batch.

exit status: 0 ok, 1 some records failed, 2 usage or data error
  1: batch questions that could not be read; check found answers that no longer match their
     documents (drift); coverage fell below --min-accuracy or --min-recall
  2: bad command line, or a file that is missing, unreadable or invalid (nothing is answered);
     an output that is also an input, a folder, or a FIFO where a file is needed
  130, 143, 129: stopped by Ctrl-C, SIGTERM or SIGHUP (batch says how many questions were
     answered; an -o file is left as it was, no temporary file stays, no worker survives)

batch output: -o names the file (its extension picks the format: .jsonl .csv .md .txt, unless
--format); it appears complete or not at all; a device or FIFO (-o /dev/stdout) is written
through, never replaced. A one-line summary of the statuses ends the run on stderr (not with -q).
"""


class UsageError(FaqbotError):
    """A command line the parser rejects."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting, so errors stay one line."""

    def error(self, message):
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--intents", metavar="DIR", default=argparse.SUPPRESS,
                        help="intents folder (default: $FAQBOT_INTENTS or the bundled intents)")
    parser = _Parser(prog="faqbot", description="Answer patients' questions from source documents.",
                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter, parents=[common])
    parser.add_argument("--version", action="version", version=f"faqbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    chat = commands.add_parser("chat", parents=[common], help="interactive prompt")
    chat.add_argument("--history", metavar="FILE", help="keep question history in FILE (off by default: nothing is written)")
    chat.add_argument("--log-unanswered", metavar="FILE", help=LOG_UNANSWERED_HELP)

    ask = commands.add_parser("ask", parents=[common], help="answer one question")
    ask.add_argument("question", nargs="+", help="the question (quote it, or give several words)")
    ask.add_argument("--explain", action="store_true", help="show the candidates, scores and matched words")

    batch = commands.add_parser("batch", parents=[common], help="answer question files")
    batch.add_argument("files", nargs="+", metavar="FILE", help="question files, or - for standard input")
    batch.add_argument("--format", choices=("jsonl", "csv", "markdown", "text"),
                       help="output format (default: from the -o extension, else jsonl)")
    batch.add_argument("--fields", type=_field_list, metavar="A,B,...",
                       help="CSV columns, in this order (default: every field of every record)")
    batch.add_argument("--input-format", choices=("txt", "csv", "tsv", "jsonl", "yaml"),
                       help="read every input in this format instead of guessing from the file name")
    batch.add_argument("--column", default="question", help="CSV/TSV column or JSONL field holding the question")
    batch.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of standard output")
    batch.add_argument("--conversation", action="store_true",
                       help="treat the questions as one conversation (follow-ups use earlier turns)")
    batch.add_argument("-q", "--quiet", action="store_true",
                       help="no progress bar (shown only on a terminal) and no summary line")
    batch.add_argument("-j", "--jobs", type=_jobs, default=DEFAULT_JOBS, metavar="N",
                       help="processes answering: this one and N-1 workers (default: 2 for a file of "
                            f"{AUTO_JOBS_QUESTIONS:,} questions or more on a large intents folder with 2 CPUs "
                            "or more, else 1; at most one per CPU unless --force-jobs)")
    batch.add_argument("--force-jobs", action="store_true", help="allow -j above the number of CPUs")
    batch.add_argument("--log-unanswered", metavar="FILE", help=LOG_UNANSWERED_HELP)

    init = commands.add_parser("init", parents=[common], help="create an editable intents folder")
    init.add_argument("folder", metavar="DIR", help="the new folder (must not exist, or be empty)")
    init.add_argument("--from-documents", metavar="DOCS",
                      help="extract these documents instead of copying the bundled intents")

    extract = commands.add_parser("extract", parents=[common], help="documents -> intents")
    extract.add_argument("documents", help="a document or a folder of .md, .markdown, .html, .htm, .txt documents")
    extract.add_argument("--into", required=True, metavar="DIR", help="intents folder to create or refresh")
    extract.add_argument("--dry-run", action="store_true", help="show what would change (a diff); write nothing")

    faq_import = commands.add_parser("import", parents=[common], help="FAQ table -> intents")
    faq_import.add_argument("table", help="CSV/TSV with question and answer columns (optional: id, alternatives, "
                                          "examples), or JSON/YAML list")
    faq_import.add_argument("--into", required=True, metavar="DIR", help="intents folder to create or refresh")
    faq_import.add_argument("--topic", help="topic of the imported intents (default: the file name)")
    faq_import.add_argument("--replace", action="store_true",
                            help="replace a file holding curated intents (refused without it, naming what would be lost)")
    faq_import.add_argument("--dry-run", action="store_true", help="show what would change (a diff); write nothing")

    check = commands.add_parser("check", parents=[common], help="validate an intents folder")
    check.add_argument("folder", nargs="?", help="intents folder (default: --intents or the bundled one)")

    coverage = commands.add_parser("coverage", parents=[common], help="measure how well the intents answer test utterances")
    coverage.add_argument("files", nargs="*", metavar="FILE",
                          help="coverage test files (default: the intents folder's tests/*.yaml)")
    coverage.add_argument("--self-check", action="store_true",
                          help="no test files: leave-one-out over the examples, thin intents, near-duplicates")
    coverage.add_argument("--calibrate", action="store_true",
                          help="set the folder's answer threshold from its own examples (stored in bot.yaml); no tests run")
    coverage.add_argument("--format", default="text", choices=("text", "json", "junit", "html"),
                          help="report format (default text)")
    coverage.add_argument("-o", "--output", metavar="OUT", help="write the report to OUT instead of standard output")
    coverage.add_argument("--min-accuracy", type=_fraction, metavar="X", help="exit 1 if accuracy is below X (0-1)")
    coverage.add_argument("--min-recall", type=_fraction, metavar="X",
                          help="exit 1 if any tested intent's recall is below X (0-1)")
    coverage.add_argument("--allow-unknown", action="store_true",
                          help="list tests expecting an intent that does not exist instead of stopping at the first")

    review = commands.add_parser("review", parents=[common], help="propose examples from logged unanswered questions")
    review.add_argument("file", metavar="FILE", help="a --log-unanswered file, or one question per line")

    from .serve.options import add_arguments as add_serve_arguments

    add_serve_arguments(commands.add_parser("serve", parents=[common], help="web chat: HTTP API and page"))
    return parser


# -j by default ("auto"): this process and one forked worker for a long file of questions on a
# large folder (where a reply costs about 1 ms and the worker shares the Bot's pages), else one
# process: on the bundled intents two processes gained little (31 -> 27 s for 20,000 distinct
# questions on a busy machine) and a short batch gains nothing (benchmarks/RESULTS.md, "Batch
# workers that share the Bot"). Measured on two cores, so auto never asks for more than two.
DEFAULT_JOBS = None
AUTO_JOBS_QUESTIONS = 2000     # a file this long, at least, before auto starts a worker
AUTO_JOBS_MAX = 2

LOG_UNANSWERED_HELP = ("append questions that ended in fallback or clarify to FILE, owner-only "
                       "(off by default); read them with 'faqbot review FILE'")


def _fraction(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got '{value}'")
    return number


def bundled_intents() -> Path:
    """The intents folder shipped inside the package. The content layer is imported only when a
    command loads intents, under load_bot's paused collector (`faqbot --help` needs none of it)."""
    from .content.intents import bundled_intents as shipped

    return shipped()


def intents_folder(args) -> Path:
    given = getattr(args, "intents", None) or os.environ.get("FAQBOT_INTENTS")
    return Path(given) if given else bundled_intents()


def folder_origin(args) -> str:
    """Where the intents folder came from, as the folder line says it."""
    if getattr(args, "intents", None):
        return "--intents"
    return "FAQBOT_INTENTS" if os.environ.get("FAQBOT_INTENTS") else "bundled"


def folder_line(args) -> str:
    """'intents folder: intents (bundled)': which files answered, said by every answering command
    on standard error (ask, chat; batch in its summary line), never among the records."""
    from .display import one_line

    return f"intents folder: {one_line(str(_shown(intents_folder(args))), 300)} ({folder_origin(args)})"


def load_bot(args, stderr=None):
    """The Bot of the chosen intents folder; a slow rebuild of its compiled index is announced on
    ``stderr`` (one line, prefixed like every faqbot message). The garbage collector rests
    meanwhile, while the bot's modules are imported too: their objects all stay alive. A large
    folder's are then frozen out of later collections (yamlfile.freeze_loaded), which would
    pause a reply for as long as walking the Bot takes; a small Bot is walked in no time."""
    from .yamlfile import freeze_loaded, gc_paused

    folder = intents_folder(args)
    with gc_paused():
        from .bot import Bot

        bot = Bot.from_folder(folder, notify=_notifier(stderr))
    if Bot.is_large(folder):
        freeze_loaded()
    return bot


def _notifier(stderr):
    if stderr is None:
        return None
    from .display import one_line

    return lambda message: stderr.write(f"faqbot: {one_line(message, 400)}\n")


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, so it ends as Ctrl-C does: files complete
    or untouched, temporary files removed, workers stopped, one line said."""

    def __init__(self, signum: int):
        super().__init__(STOP_SIGNALS.get(signum, str(signum)))
        self.signum = signum


def _raise_stopped(signum, frame):
    raise Stopped(signum)


@contextlib.contextmanager
def _stop_signals_as_interrupts():
    """SIGTERM and SIGHUP raise Stopped while the command runs (only possible in the main thread)."""
    try:
        previous = {number: signal.signal(number, _raise_stopped) for number in STOP_SIGNALS}
    except ValueError:          # not the main thread (an embedding application): leave signals alone
        yield
        return
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def interrupted_status(exc: KeyboardInterrupt) -> int:
    """130 for Ctrl-C; 128 + the signal's number for SIGTERM (143) and SIGHUP (129)."""
    return 128 + exc.signum if isinstance(exc, Stopped) else EXIT_INTERRUPTED


def interruption(exc: KeyboardInterrupt) -> str:
    return f"stopped by {exc.args[0]}" if isinstance(exc, Stopped) else "interrupted"


class _ClosedStream:
    """Stands for a standard stream the process was started without (``>&-``, ``<&-``): using it
    is a one-line error, not an AttributeError on None."""

    def __init__(self, name: str):
        self.name = name
        self.encoding = "utf-8"

    def _closed(self, *args, **kwargs):
        raise FaqbotError(f"standard {self.name} is closed; run faqbot with a standard {self.name} "
                          f"(or give {'-o FILE' if self.name == 'output' else 'a file'})")

    write = read = readline = fileno = __iter__ = _closed

    def isatty(self) -> bool:
        return False

    def flush(self) -> None:
        return None


def _standard_streams(stdin, stdout, stderr):
    """The streams to use: the given ones, else the process's own, with closed ones stood in for.
    An output stream that is not UTF-8 (PYTHONIOENCODING=ascii, a C locale) writes what it cannot
    encode as escapes, and says so once, instead of a UnicodeEncodeError in mid-answer."""
    own = stdout is None
    stdin = stdin if stdin is not None else (sys.stdin or _ClosedStream("input"))
    stdout = stdout if stdout is not None else (sys.stdout or _ClosedStream("output"))
    stderr = stderr if stderr is not None else (sys.stderr or open(os.devnull, "w", encoding="utf-8"))
    encoding = getattr(stdout, "encoding", None)
    if own and encoding and hasattr(stdout, "reconfigure"):
        try:
            utf8 = codecs.lookup(encoding).name == "utf-8"
        except LookupError:
            utf8 = False
        if not utf8:
            stdout.reconfigure(errors="backslashreplace")
            stderr.write(f"faqbot: note: standard output is {encoding}, not UTF-8: characters it cannot show "
                         "are written as escapes (set PYTHONIOENCODING=utf-8 to keep them)\n")
    return stdin, stdout, stderr


def main(argv: list[str] | None = None, stdin=None, stdout=None, stderr=None) -> int:
    """Run the CLI; returns the exit status. Streams default to the process's own."""
    stdin, stdout, stderr = _standard_streams(stdin, stdout, stderr)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        with _stop_signals_as_interrupts():
            try:
                with contextlib.redirect_stdout(stdout):
                    args = build_parser().parse_args(argv)
            except SystemExit as done:  # --help and --version print to the given stdout, then stop
                return done.code if isinstance(done.code, int) else EXIT_OK
            status = _dispatch(args, stdin, stdout, stderr)
            stdout.flush()  # a failed write (full disk, closed pipe) shows here, not silently at exit
            return status
    except FaqbotError as exc:
        from .display import one_line

        stderr.write(f"faqbot: error: {one_line(str(exc), 400)}\n")
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        stderr.write(f"faqbot: {interruption(exc)}\n")
        return interrupted_status(exc)
    except BrokenPipeError:
        _silence_broken_pipe(stdout)
        return EXIT_OK
    except OSError as exc:
        # Reading errors are DataFileErrors by now; this is output that cannot be written.
        from .display import one_line

        where = one_line(str(exc.filename), 200) if exc.filename else "cannot write the output"
        stderr.write(f"faqbot: error: {where}: {exc.strerror or exc}\n")
        return EXIT_USAGE


def _silence_broken_pipe(stdout) -> None:
    """After the reader of a pipe went away (``| head``), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _dispatch(args, stdin, stdout, stderr) -> int:
    command = args.command
    if command is None:
        if stdin.isatty():
            command = "chat"
            args.history = None
        else:
            args.files, args.format, args.output, args.conversation = ["-"], "text", None, False
            args.input_format, args.column, args.summary = None, "question", False
            command = "batch"
    return HANDLERS[command](args, stdin, stdout, stderr)


def _cmd_chat(args, stdin, stdout, stderr) -> int:
    bot = load_bot(args, stderr)
    if not stdin.isatty():
        args.files, args.format, args.output, args.conversation = ["-"], "text", None, True
        args.input_format, args.column, args.summary = None, "question", False
        return _cmd_batch(args, stdin, stdout, stderr)
    from .repl import run_repl

    history = Path(args.history) if args.history else None
    log_path = getattr(args, "log_unanswered", None)
    if history is not None:
        from .files import prepare_private_file

        prepare_private_file(history, "history", [log_path] + [str(p) for p in _intent_files_of(args)])
    log = _unanswered_log(args, [str(p) for p in _intent_files_of(args)])
    on_reply = (lambda reply: log(reply.record())) if log else None

    def show(text: str) -> None:
        stdout.write(text)
        stdout.flush()  # each reply before the next prompt, even when the output is piped (| tee)

    colour = _is_terminal(stdout) and "NO_COLOR" not in os.environ   # the urgent instruction in bold red
    stderr.write(f"faqbot: {folder_line(args)}\n")    # above the welcome, for staff; patients see the welcome
    stderr.flush()
    return run_repl(bot, history_file=history, write=show, on_reply=on_reply, colour=colour)


def _unanswered_log(args, inputs=()):
    """The --log-unanswered writer, its file made ready by the file policy (owner-only; never the
    output or an input; a device is written through, a FIFO refused); None without the option."""
    path = getattr(args, "log_unanswered", None)
    if not path:
        return None
    from .evaluation.review import UnansweredLog
    from .files import prepare_private_file

    prepare_private_file(Path(path), "unanswered log", [i for i in inputs if i is not None])
    return UnansweredLog(Path(path))


def _cmd_ask(args, stdin, stdout, stderr) -> int:
    bot = load_bot(args, stderr)
    reply = bot.reply(" ".join(args.question))
    stdout.write(printable(reply.text) + "\n")
    if args.explain:
        from .explain import explain

        stdout.write("\n" + printable("\n".join(explain(reply))) + "\n")
    stdout.flush()
    stderr.write(f"faqbot: {folder_line(args)}\n")   # after the reply, like batch's summary line
    return EXIT_OK


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got '{value}'")
    return int(value)


def _field_list(value: str) -> list[str]:
    fields = [name.strip() for name in value.split(",") if name.strip()]
    if not fields:
        raise argparse.ArgumentTypeError("expected field names separated by commas")
    return fields


def _cmd_batch(args, stdin, stdout, stderr) -> int:
    """Answer every input as one stream; exit 1 if some records could not be read, 130/143/129
    when stopped by Ctrl-C/SIGTERM/SIGHUP (after saying how many were answered; an -o file is left
    as it was)."""
    from .batch.answering import answer_items
    from .batch.readers import read_items
    from .batch.writers import Writer, format_for, text_lines_as_bytes
    from .files import atomic_output

    fmt = format_for(args.output, args.format)
    if getattr(args, "fields", None) and fmt != "csv":
        raise UsageError(f"--fields chooses CSV columns; the output format is {fmt} (see 'faqbot batch --help')")
    bot = load_bot(args, stderr)
    inputs = _batch_inputs(args, stdin, stdout)
    stdin_bytes = getattr(stdin, "buffer", None)
    if stdin_bytes is None and "-" in args.files:
        stdin_bytes = text_lines_as_bytes(stdin)

    def items():
        for name in args.files:
            yield from read_items(name, args.input_format, args.column, stdin_bytes)

    log = _unanswered_log(args, inputs + [args.output])
    output = atomic_output(args.output, inputs=inputs) if args.output else contextlib.nullcontext(stdout)
    progress = _batch_progress(args, stderr, stdout)
    outcomes = answer_items(bot, items(), conversation=args.conversation, jobs=_capped_jobs(args))
    failed = 0
    writer = None
    try:
        with output as out, progress:
            writer = Writer(out, fmt, getattr(args, "fields", None))
            try:
                for outcome in outcomes:
                    writer.write(outcome)
                    failed += outcome.answer is None
                    if log and outcome.answer is not None:
                        log(outcome.answer)
                    progress.update(writer.count)
                progress.finish(writer.count)
                writer.close()
            except BaseException:
                writer.discard()
                raise
    except KeyboardInterrupt as exc:
        done = writer.count if writer is not None else 0
        where = f"; {printable(args.output)} was not written" if args.output else ""
        stderr.write(f"faqbot: {interruption(exc)}: {done} question(s) answered{where}\n")
        return interrupted_status(exc)
    finally:
        outcomes.close()
    if getattr(args, "summary", True) and not getattr(args, "quiet", False):
        stderr.write(f"faqbot: {status_summary(writer.count, writer.statuses)}; {folder_line(args)}\n")
    if failed:
        stderr.write(f"faqbot: {failed} record(s) could not be read; see their 'error' field\n")
        return EXIT_RECORDS_FAILED
    return EXIT_OK


SUMMARY_STATUSES = ("answered", "clarify", "fallback", "smalltalk", "emergency", "error")


def status_summary(total: int, statuses: dict[str, int]) -> str:
    """'12 questions: 8 answered, 2 clarify, 1 fallback, 0 smalltalk, 1 emergency, 0 error'."""
    counts = ", ".join(f"{statuses.get(name, 0)} {name}" for name in SUMMARY_STATUSES)
    return f"{total} question{'' if total == 1 else 's'}: {counts}"


def _batch_inputs(args, stdin, stdout) -> list:
    """The files a batch reads (standard input as its descriptor), after refusing a standard output
    that is one of them (``>> questions.txt`` would grow without end; ``>`` has emptied it)."""
    from .files import refuse_same_file

    for name in args.files:
        if name != "-" and not os.path.lexists(name):
            raise FaqbotError(f"{printable(name)}: no such file")
        if name != "-" and Path(name).is_dir():
            raise FaqbotError(f"{printable(name)}: is a directory, not a question file")
    inputs: list = [name for name in args.files if name != "-"]
    if "-" in args.files:
        inputs.append(_descriptor(stdin))
    inputs += [str(path) for path in _intent_files_of(args)]
    if not args.output:
        out = _descriptor(stdout)
        if out is not None:
            try:
                refuse_same_file(out, inputs, "standard output")
            except FaqbotError:
                raise FaqbotError("standard output is also an input file; write the answers to another "
                                  "file (-o OUT)") from None
    return inputs


def _descriptor(stream) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError, FaqbotError):   # io.UnsupportedOperation is both
        return None


def _intent_files_of(args) -> list[Path]:
    """The intents folder's files, which no output may overwrite."""
    from .content.intents import intent_files

    folder = intents_folder(args)
    try:
        return intent_files(folder) + [folder / "bot.yaml"]
    except OSError:
        return []


def _capped_jobs(args) -> int:
    """-j, at most one process per CPU unless --force-jobs: more processes than cores only add
    start-up time and memory. Without -j, auto (DEFAULT_JOBS)."""
    jobs = getattr(args, "jobs", 1)
    cpus = os.cpu_count() or 1
    if jobs is None:
        return _auto_jobs(args, cpus)
    if getattr(args, "force_jobs", False):
        return jobs
    return max(1, min(jobs, cpus))


def _auto_jobs(args, cpus: int) -> int:
    """Two processes where they pay (a long file of questions, a large folder, two CPUs), else one.
    Standard input counts as short: its length is unknown, and one process streams each answer
    as its question arrives."""
    from .batch.readers import estimate_questions
    from .bot import Bot

    if cpus < 2 or getattr(args, "conversation", False) or "-" in args.files:
        return 1
    if not Bot.is_large(intents_folder(args)):
        return 1
    totals = [estimate_questions(name, args.input_format) for name in args.files]
    if None in totals or sum(totals) < AUTO_JOBS_QUESTIONS:
        return 1
    return min(cpus, AUTO_JOBS_MAX)


def _batch_progress(args, stderr, stdout):
    """A progress bar on stderr when it is a terminal and --quiet was not given; else silence.
    Not when the records themselves scroll on that terminal (no -o, stdout a terminal): they
    show the progress, and a bar redrawn among them would garble both."""
    from .progress import NoProgress, Progress

    def tty(stream) -> bool:
        isatty = getattr(stream, "isatty", None)
        return bool(isatty and isatty())

    if getattr(args, "quiet", False) or not tty(stderr) or (not args.output and tty(stdout)):
        return NoProgress()
    from .batch.readers import estimate_questions

    totals = [estimate_questions(name, args.input_format) for name in args.files]
    return Progress(stderr, None if None in totals else sum(totals))


def _cmd_init(args, stdin, stdout, stderr) -> int:
    from .authoring.workspace import init_folder
    from .display import one_line

    documents = Path(args.from_documents) if args.from_documents else None
    written = init_folder(Path(args.folder), documents)
    origin = f"extracted from {args.from_documents}" if documents else "copied from the bundled intents"
    folder = one_line(args.folder, 200)
    stdout.write(f"{folder}: new intents folder, {len(written)} files {one_line(origin, 200)}\n"
                 f"Edit the files there, then use it with --intents {folder} (or FAQBOT_INTENTS={folder}) "
                 f"and run 'faqbot check {folder}'.\n")
    return EXIT_OK


def _merge_lines(report) -> list[str]:
    lines = []
    for label, ids in (("added", report.added), ("changed", report.changed), ("removed", report.removed),
                       ("kept (your edited answer)", report.curated),
                       ("review (your edited answer; the document changed there)", report.conflicts),
                       ("kept deleted (you removed it)", report.kept_deleted),
                       ("kept (your own intent)", report.hand_written)):
        lines += [f"  {label}: {intent_id}\n" for intent_id in ids]
    return lines


def _cmd_extract(args, stdin, stdout, stderr) -> int:
    from .display import one_line
    from .authoring.workspace import extract_into

    new_settings = not (Path(args.into) / "bot.yaml").exists()
    result = extract_into(Path(args.documents), Path(args.into), dry_run=args.dry_run)
    stdout.write(f"intents folder: {one_line(args.into, 200)}{' (dry run: nothing written)' if args.dry_run else ''}\n")
    for file_report in result.files:
        report = file_report.report
        # File names and the topic come from the documents: shown inert, like everything else.
        document, target, topic = (one_line(str(x), 200) for x in (file_report.document, file_report.path,
                                                                   file_report.topic))
        stdout.write(f"{document} -> {target} (topic: {topic}): "
                     f"{report.total()} intents, {len(report.added)} added, {len(report.changed)} changed, "
                     f"{len(report.removed)} removed\n")
        stdout.writelines("  " + one_line(line.strip(), 300) + "\n" for line in _merge_lines(report))
    for line in (result.bot, result.lexicon, *result.safety):
        if line:
            stdout.write(("  " if line.startswith("  ") else "") + one_line(line.strip(), 400) + "\n")
    if args.dry_run:
        from .display import printable

        stdout.write(printable("".join(result.diffs)) if result.diffs else "no changes\n")
    else:
        _calibrate_extracted(Path(args.into), new_settings, stdout)
        _remember_extracted(Path(args.into), result.passages)
    return EXIT_OK


def _remember_extracted(folder: Path, passages) -> None:
    """For a large folder (Bot.is_large), the check of each intent file extraction wrote, made
    from the passages it wrote them from, goes where `check` remembers its findings
    (authoring/integrity.py): the first check of a site after its extraction extracts nothing."""
    from .authoring.integrity import CODE, Remembered, check_written
    from .matching import cache as compiled

    remembering, remembered = _integrity_memory(folder)
    if not passages or not remembering:
        return
    checks = {str(path): check_written(path, pairs) for path, pairs in passages.items()}
    remembered = remembered or Remembered()
    compiled.store(folder, compiled.code_fingerprint(CODE), remembered.with_checks(checks), "integrity")


def _integrity_memory(folder: Path):
    """(whether the folder keeps what checks found: a large folder, cache on; what the last
    check or extraction left there under this faqbot's code (integrity.CODE), or None)."""
    from .authoring.integrity import CODE, Remembered
    from .bot import Bot
    from .matching import cache as compiled

    if not (Bot.caches() and Bot.is_large(folder)):
        return False, None
    remembered = compiled.load(folder, compiled.code_fingerprint(CODE), "integrity").value
    return True, remembered if isinstance(remembered, Remembered) else None


def _calibrate_extracted(folder: Path, new_settings: bool, stdout) -> None:
    """An extracted folder's answer threshold, from its answers' sentences (its examples are the
    section kinds' templates: evaluation/calibration.py). bot.yaml is staff's: only a file this
    extraction wrote, or a threshold line faqbot calibrated before, is calibrated again."""
    from .bot import Bot
    from .evaluation.calibration import calibrated_by_faqbot

    if not new_settings:
        try:
            text = (folder / "bot.yaml").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            return   # loading the folder names the problem
        if not calibrated_by_faqbot(text):
            return
    _calibrate(folder, Bot.from_folder(folder), stdout, from_answers=True)


def _cmd_import(args, stdin, stdout, stderr) -> int:
    from .display import one_line, printable
    from .authoring.workspace import import_into
    from .bot import Bot

    target, report, diff = import_into(Path(args.table), Path(args.into), args.topic, replace=args.replace,
                                       dry_run=args.dry_run)
    stdout.write(f"{one_line(args.table, 200)} -> {one_line(str(target), 200)}: {report.total()} intents, "
                 f"{len(report.added)} added, {len(report.changed)} changed, {len(report.removed)} removed"
                 f"{' (dry run: nothing written)' if args.dry_run else ''}\n")
    if args.dry_run:
        stdout.writelines("  " + one_line(line.strip(), 300) + "\n" for line in _merge_lines(report))
        stdout.write(printable(diff) if diff else "no changes\n")
    else:
        # An imported table's wordings score lower than curated intents': its threshold comes from it.
        folder = Path(args.into)
        _calibrate(folder, Bot.from_folder(folder), stdout)
    return EXIT_OK


def _cmd_check(args, stdin, stdout, stderr) -> int:
    """Validate the folder, say which emergency layers are active, run every rule's cases and the
    generated emergency matrix; exit 1 on drift or on a case or matrix message that fails."""
    from .bot import Bot
    from .content.intents import folder_problems
    from .display import one_line

    folder = Path(args.folder) if args.folder else intents_folder(args)
    # A current compiled index says the folder loads cleanly: only otherwise is every file parsed
    # for its problems (78k intents: a minute of YAML).
    bot = Bot.from_compiled_index(folder)
    if bot is None:
        problems = folder_problems(folder)
        if problems:
            for problem in problems:
                stderr.write(f"faqbot: error: {one_line(str(problem), 400)}\n")
            if len(problems) > 1:
                stderr.write(f"faqbot: {len(problems)} errors in {one_line(str(folder), 200)}\n")
            return EXIT_USAGE
        bot = Bot.from_folder(folder, notify=_notifier(stderr))
    failed = _report_bot(folder, bot, stdout)
    # The integrity pass compares the intents as loaded (no file is parsed again); the rest of
    # the Bot (a site's index is most of its 200 MB and more) is given back before the documents
    # are extracted, so the check's peak memory is the larger of the two, not their sum.
    loaded = bot.intent_set
    del bot
    gc.collect()
    status = _report_integrity(folder, stdout, loaded)
    return EXIT_RECORDS_FAILED if failed else status


def _report_bot(folder: Path, bot, stdout) -> bool:
    """What check says of the loaded folder, its rules and its lexicon; whether a rule case or
    the emergency matrix failed."""
    from .display import one_line, printable
    from .safety.cases import run_cases
    from .evaluation.selfcheck import THIN_EXAMPLES
    from .safety.matrix import run_matrix

    intents = bot.intent_set.intents
    thin = [i.id for i in intents if len(i.examples) < THIN_EXAMPLES]
    stdout.write(f"{printable(str(folder))}: valid, {len(intents)} intents in {len(bot.intent_set.topics())} "
                 f"topics, {sum(len(i.examples) for i in intents)} examples, {len(bot.scope.rules)} out-of-scope rules\n")
    for line in bot.triage.layers():
        stdout.write(f"triage: {line}\n")
    if thin:
        stdout.write(f"note: {len(thin)} intents have fewer than {THIN_EXAMPLES} examples: {', '.join(thin)}\n")
    cases = run_cases(bot.triage, bot.scope)
    failed = [c for c in cases if not c.passed]
    stdout.write(f"rule cases: {len(cases) - len(failed)}/{len(cases)} pass\n")
    for case in failed:
        expected = "its rule to meet it" if case.expected == "fires" else "no emergency"
        stdout.write(f"case failed: {case.layer}, rule {case.rule}: \"{one_line(case.message, 120)}\" "
                     f"({case.expected}): expected {expected}, got {case.got}\n")
    matrix = run_matrix(bot.triage)
    stdout.write(f"emergency matrix: {matrix.caught}/{matrix.emergencies} generated emergencies caught; "
                 f"general questions: {matrix.false_alarms}/{matrix.controls} flagged\n")
    for message in matrix.missed[:10]:
        stdout.write(f"missed: \"{one_line(message, 120)}\"\n")
    for message, rule, layer in matrix.flagged[:10]:
        # A folder's own rule that flags general questions is the folder's choice: a note, not a failure.
        label = "false alarm" if layer == "built-in" else "note"
        stdout.write(f"{label}: {layer} rule {one_line(rule, 60)} flags the general question \"{one_line(message, 120)}\"\n")
    _report_lexicon(folder, bot, stdout)
    return bool(failed or matrix.missed or matrix.builtin_flagged)


def _report_lexicon(folder: Path, bot, stdout) -> None:
    """Synonym groups that may change what questions mean: notes, for the author to judge.

    The notes depend on the folder's YAML (lexicon and intents) and faqbot's code alone, which
    the compiled index's fingerprint covers: a large folder's are kept under it (kind "lexicon"),
    so a check after no edit does not tokenise every intent again (seconds at site size)."""
    from .bot import Bot
    from .content.lexicon import lint_lexicon
    from .display import one_line
    from .matching import cache as compiled

    if not bot.lexicon.groups:
        return
    printed = None
    if Bot.caches() and Bot.is_large(folder):
        try:
            printed = compiled.fingerprint(folder)
        except OSError:
            printed = None
    notes = compiled.load(folder, printed, "lexicon").value if printed is not None else None
    if not (isinstance(notes, list) and all(isinstance(note, str) for note in notes)):
        texts = [" ".join([i.question, *i.examples, i.answer]) for i in bot.intent_set.intents]
        notes = [str(finding) for finding in lint_lexicon(_shown(folder / "lexicon.yaml"), bot.lexicon, texts,
                                                          list(bot.intent_set.topics()))]
        if printed is not None:
            compiled.store(folder, printed, notes, "lexicon")
    for note in notes:
        stdout.write(f"note: {one_line(note, 400)}\n")


def _report_integrity(folder: Path, stdout, loaded=None) -> int:
    """Answers that no longer match their documents fail the check (1); notes do not.

    For a large folder (Bot.is_large), what this check found is kept in the compiled cache too,
    under the fingerprint of the code that finds it (integrity.CODE), so the next check re-reads
    only the intent files and documents whose bytes changed (authoring/integrity.py). ``loaded``:
    the Bot's IntentSet, so the intent files are compared as loading read them, not parsed again."""
    from .authoring.integrity import CODE, check_folder_remembering
    from .display import one_line
    from .matching import cache as compiled

    remembering, remembered = _integrity_memory(folder)
    findings, now = check_folder_remembering(folder, remembered, jobs=min(os.cpu_count() or 1, AUTO_JOBS_MAX),
                                             loaded=loaded)
    if remembering and (remembered is None or now.files != remembered.files):
        compiled.store(folder, compiled.code_fingerprint(CODE), now, "integrity")
    for finding in findings:
        stdout.write(f"{'drift' if finding.drift else 'note'}: {one_line(str(finding), 400)}\n")
    drifted = sorted({f.intent or str(f.path) for f in findings if f.drift})
    if drifted:
        stdout.write(f"{len(drifted)} intent(s) or document(s) no longer match: re-run 'faqbot extract' "
                     "on the documents, review the answers, then check again\n")
        return EXIT_RECORDS_FAILED
    return EXIT_OK


def _cmd_coverage(args, stdin, stdout, stderr) -> int:
    """Run the tests (or the self-check), write the report, then apply the gates: exit 1 below them."""
    from .bot import Bot
    from .evaluation.report import coverage_report, gate_failures
    from .evaluation.selfcheck import self_check
    from .evaluation.suite import suite_files
    from .evaluation.renderers import render, summary_line
    from .display import printable

    folder = _shown(intents_folder(args))      # so the report names files as staff type them
    bot = Bot.from_folder(folder, notify=_notifier(stderr))
    if args.calibrate:
        if args.files or args.self_check:
            raise UsageError("--calibrate takes no test files and no --self-check (it reads only the intents)")
        _calibrate(folder, bot, stdout)
        return EXIT_OK
    if args.self_check:
        if args.files:
            raise UsageError("--self-check takes no test files (it tests the intents' own examples)")
        report = self_check(bot)
    else:
        files = [Path(f) for f in args.files] or suite_files(folder)
        if not files:
            raise FaqbotError(f"no coverage tests in {folder / 'tests'} (write some, or run --self-check)")
        report = coverage_report(bot, files, allow_unknown=args.allow_unknown)
    if args.output:
        from .files import write_atomic

        # The report replaces a file only as the file policy allows (never a device, never an input).
        inputs = [str(p) for p in files] if not args.self_check else []
        write_atomic(Path(args.output), render(report, args.format), private=False,
                     inputs=inputs + [str(p) for p in _intent_files_of(args)])
        stdout.write(f"{printable(args.output)}: {summary_line(report)}\n")
    else:  # the renderers make every text from files safe to print
        colour = args.format == "text" and _is_terminal(stdout) and "NO_COLOR" not in os.environ
        stdout.write(render(report, args.format, colour=colour))
    failures = gate_failures(report, args.min_accuracy, args.min_recall)
    if failures:
        stderr.write(f"faqbot: coverage gate failed: {'; '.join(failures)}\n")
        return EXIT_RECORDS_FAILED
    return EXIT_OK


def _calibrate(folder: Path, bot, stdout, from_answers: bool = False) -> None:
    """Find the folder's answer threshold from its own content and store it in its bot.yaml."""
    from .display import printable
    from .evaluation.calibration import calibrate, store

    calibration = calibrate(bot, from_answers=from_answers)
    if not calibration.right:
        return   # nothing of its own ranked right: the default threshold stays, written nowhere
    try:
        path = store(folder, calibration)
    except OSError as exc:
        raise FaqbotError(f"{folder / 'bot.yaml'}: cannot write: {exc.strerror or exc}") from None
    stdout.write(f"{printable(str(path))}: answer threshold {calibration.threshold:g} "
                 f"(was {bot.tuning.answer_threshold:g}), {calibration.comment()}\n")


def _shown(path: Path) -> Path:
    """A bundled path as staff would type it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return path


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _cmd_review(args, stdin, stdout, stderr) -> int:
    from .evaluation.review import read_questions, render_review, review_questions
    from .display import printable

    bot = load_bot(args, stderr)
    path = Path(args.file)
    result = review_questions(bot, read_questions(path), str(path))
    for group in result.groups:
        group.path = _shown(group.path) if group.path else None
    stdout.write(printable(render_review(result)))
    return EXIT_OK


def _cmd_serve(args, stdin, stdout, stderr) -> int:
    """Serve the web chat until Ctrl-C; the web stack is imported only here."""
    from .serve.options import config_from_args

    config = config_from_args(args)
    try:
        from .serve.server import serve
    except ImportError:
        raise FaqbotError("'faqbot serve' needs the web extra: pip install 'faqbot[web]'") from None
    if config.unanswered_log is not None:
        from .files import prepare_private_file

        prepare_private_file(config.unanswered_log, "unanswered log", [str(p) for p in _intent_files_of(args)])
    try:
        serve(intents_folder(args), config, args.host, args.port, args.workers, args.forwarded_allow_ips,
              write=stderr.write)
    except KeyboardInterrupt:   # uvicorn re-raises Ctrl-C after its graceful shutdown: the normal end
        pass
    stderr.write("faqbot: stopped\n")
    return EXIT_OK


# Each subcommand of build_parser() and the function that runs it (a test holds that they agree).
HANDLERS = {
    "chat": _cmd_chat,
    "ask": _cmd_ask,
    "batch": _cmd_batch,
    "init": _cmd_init,
    "extract": _cmd_extract,
    "import": _cmd_import,
    "check": _cmd_check,
    "coverage": _cmd_coverage,
    "review": _cmd_review,
    "serve": _cmd_serve,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
