"""Demo queue texts (data/queue.toml): what citizens write and officials answer, and how a template is filled."""

from app.notices.demo.datafiles import load_data

TEXTS = load_data(__package__, "queue.toml")
QUESTIONS = tuple(question["text"] for question in TEXTS["questions"])
# The version an official publishes (name, place … left out), by the question's position.
PUBLIC_QUESTIONS = tuple(question["public"] for question in TEXTS["questions"])
CITIZEN_TEXTS = {
    "question": QUESTIONS,
    "petition": TEXTS["petitions"],
    "information_request": TEXTS["information_requests"],
    "complaint": TEXTS["complaints"],
    "denunciation": TEXTS["denunciations"],
}
# Answers by kind; a question is answered with the answers written for it.
ANSWERS = TEXTS["answers"]
QUESTION_ANSWERS = {question["text"]: question["answers"] for question in TEXTS["questions"]}
REJECT_REASONS = TEXTS["reject_reasons"]
REQUESTS = TEXTS["requests"]
SUPPLIED = TEXTS["supplied"]
EXTENSION_REASONS = TEXTS["extension_reasons"]
FORWARD_REASONS = TEXTS["forward_reasons"]
AGENCIES = TEXTS["agencies"]
REOPEN_REASONS = TEXTS["reopen_reasons"]
RATING_COMMENTS = TEXTS["rating_comments"]


def answers_for(kind, template):
    """Return the answers that fit an item of `kind` written from `template`."""
    return QUESTION_ANSWERS[template] if kind == "question" else ANSWERS[kind]


def fill(template, rng, commune, target=None):
    """Fill a queue text in for a commune (a village of it, a plot number, the unit forwarded to)."""
    village = rng.choice(commune.villages)
    return template.format(
        village=village.capitalize() if template.startswith("{village}") else village,
        commune=commune.label,
        committee=commune.people_committee,
        number=rng.randint(12, 980),
        target=target.people_committee if target else "",
    )
