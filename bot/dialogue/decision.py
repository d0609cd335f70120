"""Is this message a complaint, and in which category? Decided on its own, biased towards
logging (docs/categories.md, "First question").

A message is a complaint when the classifier says so, when the complaint intents together are
likely even though another intent won (a rant read as an insult, praise followed by a
problem), or when it names a problem or demands a remedy in words the cue lists know
(``bot/text/data/complaint_cues.yml``). The category is the best complaint intent when the
classifier is fairly sure of it, else the category whose problem cues match most
(``bot/text/data/problems.yml``), else ``other``: a problem is never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ruamel.yaml import YAML

from bot.dialogue.goods import demand_wording, demanded_goods, goods_category
from bot.dialogue.turn import COMPLAINT_INTENT_PREFIX, category_from_intent
from bot.policy import lexicons
from bot.policy.lexicons import Hit, Lexicon, Prepared, prepare
from bot.policy.resolution import classify_resolution
from bot.text.clean import SENTENCE_BREAK
from bot.text.fold import fold
from bot.text.problems import DATA_DIR, complaint_signals, matching_cues, problem_cues

#: Complaint intents together at least this likely: a complaint, whatever won.
COMPLAINT_MASS = 0.4
#: The best complaint intent names the category from this confidence on...
CONFIDENT_CATEGORY = 0.3
#: ... or from this one when no problem cue names a category ("refund me, it leaks": the
#: money words pull the classifier towards billing, the cue "leaks" says product_quality).
MIN_CATEGORY_CONFIDENCE = 0.1
#: A wish outside a complaint flow opens a complaint when it names a remedy, or when the
#: classifier is at least this sure that it is a wish (:func:`wish_opens_complaint`).
CONFIDENT_WISH = 0.6
#: An intent that logs a complaint or calls a person, below this confidence, loses to
#: ``out_of_scope`` when that is at least :data:`UNSERVED_SHARE` as likely and the words show
#: neither a problem nor a wish for a person ("any chance of frost this week", "call the vet",
#: "i want to hear some sad songs": the classifier has seen few such requests). Praise is no
#: rival: sarcasm reads as praise.
UNSURE_INTENT = 0.5
UNSERVED_SHARE = 0.5
UNSERVED_INTENT = "out_of_scope"
#: The intent of a wish ("what can we do for you?" answered, or a demand on its own).
WISH_INTENT = "state_resolution"
#: What a customer asks of a shop, not a remedy: a wish naming none of these is no complaint.
_NO_REMEDY = frozenset({"other", "nothing"})


@dataclass(frozen=True)
class ComplaintDecision:
    """The decision and why it was taken (shown in the parse data and the logs)."""

    is_complaint: bool
    category: str | None
    why: tuple[str, ...] = ()


def _best_complaint_intent(ranking: Sequence[tuple[str, float]]) -> tuple[str | None, float]:
    scored = [(name, conf) for name, conf in ranking if name.startswith(COMPLAINT_INTENT_PREFIX)]
    return max(scored, key=lambda item: item[1], default=(None, 0.0))


def category_from_cues(
    text: str, among: Collection[str] | None = None, ignore: Collection[str] = ()
) -> str | None:
    """The category (of ``among``, when given) whose problem cues match ``text`` most (file
    order breaks ties); cues in ``ignore`` (as folded text) do not count."""
    best, best_hits = None, 0
    for category, problems in problem_cues().items():
        if among is not None and category not in among:
            continue
        hits = sum(
            1
            for cues in problems.values()
            for cue in matching_cues(text, cues)
            if cue not in ignore
        )
        if hits > best_hits:
            best, best_hits = category, hits
    return best


def category_from_words(
    text: str, among: Collection[str] | None = None, *, wish: bool = False
) -> str | None:
    """The category the words of ``text`` name: the problem cues' (:func:`category_from_cues`),
    else that of a demand naming goods (:func:`demanded_goods`; ``wish``: the message was read
    as one), whose own wording ("a new one instead of this") is no problem cue. ``among``
    limits both."""
    goods = demanded_goods(text, wish)
    ignore = demand_wording() if goods is not None else frozenset()
    cued = category_from_cues(text, among, ignore)
    if cued is None and goods is not None and (among is None or goods in among):
        return goods
    return cued


def out_of_scope_close_behind(ranking: Sequence[tuple[str, float]]) -> bool:
    """Whether the best intent is unsure (below :data:`UNSURE_INTENT`) and ``out_of_scope``
    is at least :data:`UNSERVED_SHARE` as likely."""
    if not ranking:
        return False
    confidence = ranking[0][1]
    unserved = max((c for name, c in ranking if name == UNSERVED_INTENT), default=0.0)
    return confidence < UNSURE_INTENT and unserved >= UNSERVED_SHARE * confidence


def unserved_over_weak_complaint(text: str, ranking: Sequence[tuple[str, float]]) -> bool:
    """Whether a message whose best intent is a complaint is rather a request the bot cannot
    serve: the complaint is unsure, ``out_of_scope`` is close behind
    (:func:`out_of_scope_close_behind`) and the text names no problem and demands no remedy
    (``complaint_cues.yml``), or is a task for a personal assistant ("remind me to get a refund
    form", :data:`bot.policy.lexicons.ASSISTANT_TASKS`)."""
    if not ranking or not ranking[0][0].startswith(COMPLAINT_INTENT_PREFIX):
        return False
    if not out_of_scope_close_behind(ranking):
        return False
    signals = complaint_signals(text)
    if not (signals.get("problem") or signals.get("demand")):
        return True
    return bool(lexicons.ASSISTANT_TASKS.find(prepare(text)))


#: Entities that name the customer's own complaint or order.
REFERENCE_ENTITIES = frozenset({"ticket", "order_ref"})
CHASE_INTENT = "ask_status"


def news_not_a_chase(text: str, intent: str | None, entities: frozenset[str]) -> bool:
    """Whether a status question (``ask_status``) asks for news of the world ("any news about
    the strike", "ima li vijesti o štrajku") rather than chasing a complaint: it asks for news
    (:data:`bot.policy.lexicons.WORLD_NEWS`) and names no ticket or order, nor the customer's
    own matter (:data:`bot.policy.lexicons.OWN_MATTER`: "my", "reklamacija", "I reported")."""
    if intent != CHASE_INTENT or entities & REFERENCE_ENTITIES:
        return False
    prepared = prepare(text)
    return bool(lexicons.WORLD_NEWS.find(prepared)) and not lexicons.OWN_MATTER.find(prepared)


def chases_a_complaint(text: str) -> bool:
    """Whether ``text`` says the customer raised the matter before ("javljam se opet zbog
    povrata", "I spoke to someone on the 2nd about my refund"): a chase of a complaint
    (:data:`bot.policy.lexicons.REPEAT`, contacts named; a bare "again" is not enough)."""
    return bool(lexicons.REPEAT.find(prepare(text)))


def wish_opens_complaint(text: str, intent: str | None, confidence: float) -> bool:
    """Whether a message read as a wish (``state_resolution``) outside a complaint flow is a
    demand that opens a complaint ("refund me now", "pošaljite mi novi").

    Requests a complaint bot cannot serve are imperative too ("send an email to my boss",
    "naruči mi picu") and sometimes land on the wish intent with low confidence: they open
    nothing unless they name a remedy the resolution lists know (refund, replacement,
    repair, apology, compensation...) or the classifier is sure of the wish.

    An answer that wants nothing ("iskreno ne znam", "I just wanted you to know") opens
    nothing however sure the classifier is: it is how customers answer "what can we do for
    you?", not a demand.
    """
    if intent != WISH_INTENT:
        return False
    wish = classify_resolution(text, intent)
    if wish == "nothing":
        return False
    return confidence >= CONFIDENT_WISH or wish not in _NO_REMEDY


# --------------------------------------------------------------------------------------------
# Messages that sound like a complaint but name no problem (bot/text/data/non_complaints.yml)
# --------------------------------------------------------------------------------------------

NON_COMPLAINTS_FILE: Path = DATA_DIR / "non_complaints.yml"
#: What each kind of non-complaint is read as.
QUESTION_INTENT = UNSERVED_INTENT
ALL_CLEAR_INTENT = "thank_you"
IDIOM_INTENT = "praise"
BOT_QUESTION_INTENT = "bot_challenge"
#: A how-to question opens the message: its phrase starts within this many words of a clause.
HOW_TO_START = 2
_TOKEN = re.compile(r"[a-z0-9]+")
#: Lexicons of which any match anywhere means anger, abuse or mockery: always a complaint.
_ANGER = (
    lexicons.INSULTS,
    lexicons.PROFANITY,
    lexicons.CONTEMPT,
    lexicons.DISGRACE,
    lexicons.STRONG_EMOTION,
    lexicons.SARCASM_ON_ITS_OWN,
    lexicons.THREATS_TO_LEAVE,
    lexicons.LEGAL,
)


@dataclass(frozen=True)
class NonComplaintCues:
    """The lexicons of ``non_complaints.yml`` (see that file for what each holds)."""

    how_to: Lexicon
    how_to_openers: frozenset[str]
    policy_question: Lexicon
    policy_question_blockers: Lexicon
    reported_question: Lexicon
    complaint_question: Lexicon
    use_question: Lexicon
    spoiled_or_damaged: Lexicon
    harm: Lexicon
    all_clear: Lexicon
    all_clear_contrast: frozenset[str]
    all_clear_not_followed_by: frozenset[str]
    all_clear_reported: frozenset[str]
    all_clear_reported_break: frozenset[str]
    all_clear_blockers: Lexicon
    idiom: Lexicon
    wanting: Lexicon
    bot_question: Lexicon
    assistant_command: Lexicon


@cache
def non_complaint_cues() -> NonComplaintCues:
    """The cue lists of :data:`NON_COMPLAINTS_FILE`."""
    data = YAML(typ="safe").load(NON_COMPLAINTS_FILE.read_text(encoding="utf-8"))

    def words(name: str) -> frozenset[str]:
        return frozenset(str(word) for word in data[name])

    def lexicon(name: str) -> Lexicon:
        return Lexicon(str(pattern) for pattern in data[name])

    return NonComplaintCues(
        how_to=lexicon("how_to"),
        how_to_openers=words("how_to_openers"),
        policy_question=lexicon("policy_question"),
        policy_question_blockers=lexicon("policy_question_blockers"),
        reported_question=lexicon("reported_question"),
        complaint_question=lexicon("complaint_question"),
        use_question=lexicon("use_question"),
        spoiled_or_damaged=lexicon("spoiled_or_damaged"),
        harm=lexicon("harm"),
        all_clear=lexicon("all_clear"),
        all_clear_contrast=words("all_clear_contrast"),
        all_clear_not_followed_by=words("all_clear_not_followed_by"),
        all_clear_reported=words("all_clear_reported"),
        all_clear_reported_break=words("all_clear_reported_break"),
        all_clear_blockers=lexicon("all_clear_blockers"),
        idiom=lexicon("idiom"),
        wanting=lexicon("wanting"),
        bot_question=lexicon("bot_question"),
        assistant_command=lexicon("assistant_command"),
    )


@dataclass(frozen=True)
class NonComplaint:
    """A message read as no complaint: the intent it is and why."""

    intent: str
    why: str


def _names_problem(text: str) -> bool:
    """Whether ``text`` names a problem or demands a remedy (``complaint_cues.yml``)."""
    signals = complaint_signals(text)
    return bool(signals.get("problem") or signals.get("demand"))


def reads_angry(prepared: Prepared) -> bool:
    """Whether the anger word lists find anything: an angry message is a complaint."""
    return any(lexicon.find(prepared) for lexicon in _ANGER)


def _question_names_no_problem(text: str, prepared: Prepared, cues: NonComplaintCues) -> bool:
    """No problem, demand, failure, anger or complaining question word ("why", "still")."""
    return not (
        _names_problem(text)
        or lexicons.FAILURES.find(prepared)
        or cues.complaint_question.find(prepared)
        or reads_angry(prepared)
    )


def _opens_message(prepared: Prepared, hit: Hit, openers: frozenset[str]) -> bool:
    """Whether ``hit`` starts the message, after greetings and politeness at most."""
    before = [*(w for clause in prepared.clauses[: hit.clause] for w in clause)]
    before += prepared.clauses[hit.clause][: hit.start]
    return all(word in openers for word in before) and hit.start <= HOW_TO_START


def _how_to_question(text: str, prepared: Prepared, cues: NonComplaintCues) -> bool:
    """ "How do I change ...", "kako da aktiviram ...": a question naming no problem."""
    hits = cues.how_to.find(prepared)
    if not any(_opens_message(prepared, hit, cues.how_to_openers) for hit in hits):
        return False
    return _question_names_no_problem(text, prepared, cues)


def _policy_question(prepared: Prepared, text: str, cues: NonComplaintCues) -> bool:
    """ "How many days until a refund shows up?", "može li se vratiti poklon bez računa?": a
    question about how refunds, returns or exchanges work. The remedy it names is no demand and
    its own words ("how long", "koliko dana") no complaining question; a problem cue, a
    failure, anger, another complaining question word or the customer's own return under way
    ("I sent it back a month ago", ``policy_question_blockers``) keeps the message a
    complaint."""
    hits = cues.policy_question.find(prepared)
    if not hits:
        return False
    if complaint_signals(text).get("problem") or lexicons.FAILURES.find(prepared):
        return False
    if reads_angry(prepared) or cues.policy_question_blockers.find(prepared):
        return False
    asked = {(hit.clause, i) for hit in hits for i in hit.indexes}
    return all(
        (hit.clause, i) in asked
        for hit in cues.complaint_question.find(prepared)
        for i in hit.indexes
    )


def _reported_question(text: str, prepared: Prepared, cues: NonComplaintCues) -> bool:
    """ "My boss asked me to check your opening hours", "gazda mi rekao da pitam ...": a
    question someone else asked the customer to put, naming no problem of theirs."""
    if not cues.reported_question.find(prepared):
        return False
    return _question_names_no_problem(text, prepared, cues)


def _assistant_command(text: str, prepared: Prepared, cues: NonComplaintCues) -> bool:
    """ "Remind me to get a refund form", "switch the robot hoover on", "naruči toalet papir":
    a command to a personal assistant opens the message. Its sentence is the task, so a remedy
    named in it ("refund") is no demand; a problem named in it ("turn it on and it just
    sparks") or in a later sentence ("Play some music. My speaker from you crackles.") keeps
    the message a complaint."""
    hits = cues.assistant_command.find(prepared)
    if not any(_opens_message(prepared, hit, cues.how_to_openers) for hit in hits):
        return False
    # the command owns only its own sentence
    first, *rest = SENTENCE_BREAK.split(text.strip(), maxsplit=1)
    if complaint_signals(first).get("problem"):
        return False
    return not (rest and names_a_problem(rest[0]))


def _use_question(text: str, prepared: Prepared, cues: NonComplaintCues) -> bool:
    """ "Is it safe to ...", "smije li se ...", "je li normalno da ...": no harm happened, and
    the question describes no spoiled or damaged goods the customer has ("is it normal that
    the bread I bought today is already mouldy?" is a complaint)."""
    hits = cues.use_question.find(prepared)
    if not hits or not _question_names_no_problem(text, prepared, cues):
        return False
    if cues.spoiled_or_damaged.find(prepared):
        return False
    asked = {(hit.clause, i) for hit in hits for i in hit.indexes}
    return not any(
        (harm.clause, i) not in asked
        for harm in [*cues.harm.find(prepared), *lexicons.SAFETY.find(prepared)]
        for i in harm.indexes
    )


def _tail_after(text: str, phrase: tuple[str, ...]) -> list[str]:
    """The folded words of ``text`` after the last occurrence of ``phrase``."""
    tokens = _TOKEN.findall(fold(text).replace("'", "").replace("’", ""))
    size = len(phrase)
    for start in range(len(tokens) - size, -1, -1):
        if tuple(tokens[start : start + size]) == phrase:
            return tokens[start + size :]
    return []


def _reported(before: Sequence[str], cues: NonComplaintCues) -> bool:
    """Whether the words just before an all-clear say someone else claims it."""
    said = [i for i, word in enumerate(before) if word in cues.all_clear_reported]
    return bool(said) and not set(before[said[-1] :]) & cues.all_clear_reported_break


def _all_clear(text: str, prepared: Prepared, cues: NonComplaintCues) -> bool:
    """ "... and now it works perfectly", "sve ok, hvala": the problem mentioned is over.

    Not when the all-clear is negated or reported ("the bank says all is fine"), is followed by
    a negation, a contrast ("sve ok osim ...", "works
    now but ...") or by a problem, or when anything in the message is angry or mocking
    ("all good, thanks for nothing"), asks why or how ("how do I get it fixed") or says the
    customer is writing or calling about it again in the same clause ("pišem treći put zbog
    povrata za vraćene čizme": a chase is not over)."""
    hits = [
        hit
        for hit in lexicons.find_affirmed(
            prepared, cues.all_clear, lexicons.PLAIN_NEGATIONS, window=2
        )
        if not lexicons.PLAIN_NEGATIONS.search(hit.words[1:])
        and not _reported(prepared.clauses[hit.clause][max(0, hit.start - 3) : hit.start], cues)
    ]
    if not hits or reads_angry(prepared) or cues.all_clear_blockers.find(prepared):
        return False
    chased = {hit.clause for hit in lexicons.REPEAT.find(prepared)}
    if any(hit.clause in chased for hit in hits):
        return False
    tail = _tail_after(text, hits[-1].words)
    if set(tail) & (lexicons.CONTRAST_WORDS | cues.all_clear_contrast):
        return False
    if tail and tail[0] in cues.all_clear_not_followed_by:
        return False
    if lexicons.PLAIN_NEGATIONS.search(tail):
        return False
    rest = " ".join(tail)
    after = prepare(rest)
    return not (
        _names_problem(rest) or lexicons.FAILURES.find(after) or lexicons.SERVICE_FAULTS.find(after)
    )


def _idiom(text: str, prepared: Prepared, cues: NonComplaintCues) -> bool:
    """ "Umirem od smijeha", "killer deal": alarming words in praise or a joke, no problem
    word (the broad list: a joke is short, "ne", "still" or "treći put" make it a complaint)."""
    if not cues.idiom.find(prepared):
        return False
    return not (
        _names_problem(text)
        or lexicons.FAILURES.find(prepared)
        or lexicons.PROBLEM_WORDS.find(prepared)
        or lexicons.SERVICE_FAULTS.find(prepared)
        or reads_angry(prepared)
    )


def no_complaint_reading(text: str, *, wish: bool = False) -> NonComplaint | None:
    """What ``text`` is when it sounds like a complaint but names no problem that is still
    there: a how-to or safe-use question (``out_of_scope``), an all-clear (``thank_you``) or an
    idiom (``praise``); ``None`` otherwise.

    ``wish``: the message was read as a wish, which a question may politely put ("could a
    technician come?"): only a command to a personal assistant ("преведи ми 'хоћу замену'":
    the classifier reads the quoted demand as the wish), a question about the refund and return
    rules, an all-clear or an idiom counts then.
    """
    cues = non_complaint_cues()
    prepared = prepare(text)
    if _assistant_command(text, prepared, cues):
        return NonComplaint(QUESTION_INTENT, "assistant-command")
    if _policy_question(prepared, text, cues):
        return NonComplaint(QUESTION_INTENT, "policy-question")
    if not wish and _how_to_question(text, prepared, cues):
        return NonComplaint(QUESTION_INTENT, "how-to-question")
    if not wish and _reported_question(text, prepared, cues):
        return NonComplaint(QUESTION_INTENT, "reported-question")
    if not wish and _use_question(text, prepared, cues):
        return NonComplaint(QUESTION_INTENT, "use-question")
    if _all_clear(text, prepared, cues):
        return NonComplaint(ALL_CLEAR_INTENT, "all-clear")
    if _idiom(text, prepared, cues):
        return NonComplaint(IDIOM_INTENT, "idiom")
    return None


def spoiled_goods_question(text: str) -> bool:
    """Whether ``text`` asks a use question about goods the customer has that look spoiled or
    damaged ("is it normal that the milk I bought yesterday already smells like old cheese?"):
    a complaint that the question form hides (``spoiled_or_damaged`` of non_complaints.yml)."""
    cues = non_complaint_cues()
    prepared = prepare(text)
    return bool(cues.use_question.find(prepared) and cues.spoiled_or_damaged.find(prepared))


def bot_question_only(text: str) -> bool:
    """Whether ``text`` asks whether the customer talks to a bot or a person ("am I talking to
    a real person or a bot?") without asking for or preferring a person."""
    cues = non_complaint_cues()
    prepared = prepare(text)
    return bool(cues.bot_question.find(prepared)) and not cues.wanting.find(prepared)


def names_a_problem(text: str) -> bool:
    """Whether the words of ``text`` name a problem or demand a remedy: a cue of
    ``complaint_cues.yml`` or a category's problem cue of ``problems.yml``."""
    signals = complaint_signals(text)
    return bool(signals.get("problem") or signals.get("demand") or category_from_cues(text))


def decide(
    text: str,
    intent: str | None,
    ranking: Sequence[tuple[str, float]],
    known_categories: tuple[str, ...],
    *,
    demand_is_complaint: bool = False,
    use_mass: bool = True,
) -> ComplaintDecision:
    """Decide whether ``text`` is a complaint and choose its category.

    ``demand_is_complaint``: the message stated a wish outside a complaint flow ("refund me
    now" as a first message), which is a complaint by itself. ``use_mass``: whether the
    complaint intents' summed confidence counts (not where praise was already put first for
    naming no problem).
    """
    category = category_from_intent(intent, known_categories)
    if category is not None:
        return ComplaintDecision(True, category, (f"intent:{intent}",))
    reading = no_complaint_reading(text, wish=demand_is_complaint)
    if reading is not None:
        return ComplaintDecision(False, None, (reading.why,))
    why: list[str] = []
    best_intent, best_confidence = _best_complaint_intent(ranking)
    mass = sum(c for name, c in ranking if name.startswith(COMPLAINT_INTENT_PREFIX))
    if use_mass and mass >= COMPLAINT_MASS:
        why.append(f"complaint-intents:{mass:.2f}")
    signals = complaint_signals(text)
    why += [f"problem:{cue}" for cue in signals.get("problem", [])]
    why += [f"demand:{cue}" for cue in signals.get("demand", [])]
    if demand_is_complaint:
        why.append(f"wish-outside-complaint:{intent}")
    elif intent == WISH_INTENT and chases_a_complaint(text):
        # an unsure wish that says the matter was raised before ("third time you tell me it
        # comes tomorrow"): a chase, a complaint whatever else it is
        why.append(f"chase-read-as:{intent}")
    spoiled = spoiled_goods_question(text)
    if spoiled:
        why.append("spoiled-goods-question")
    if not why:
        return ComplaintDecision(False, None)
    cue_category = category_from_words(text, wish=demand_is_complaint or intent == WISH_INTENT)
    if cue_category not in known_categories:
        cue_category = None
    if best_intent is not None and (
        best_confidence >= CONFIDENT_CATEGORY
        or (cue_category is None and best_confidence >= MIN_CATEGORY_CONFIDENCE)
    ):
        category = category_from_intent(best_intent, known_categories)
        why.append(f"category-intent:{best_intent}:{best_confidence:.2f}")
    else:
        fallback = goods_category() if spoiled else "other"
        category = cue_category or (fallback if fallback in known_categories else "other")
        why.append(f"category-cues:{category}")
    return ComplaintDecision(True, category or "other", tuple(why))
