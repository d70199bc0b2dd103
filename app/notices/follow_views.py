"""/follow: a citizen follows a notice or a unit by e-mail; the links of its mails confirm and unsubscribe.

The page after the form always says the same thing ("check your mailbox"), whether the address was new,
waiting for its confirmation, already following or unsubscribed: nobody learns who follows what.
"""

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale

from app.extensions import csrf, db, limiter
from app.notices import blueprint, following
from app.notices.follow_forms import FollowForm, public_notice, unit_refusal
from app.notices.public_queries import unit_directory

DEFAULT_FOLLOW_LIMIT = "10 per hour;30 per day"


def _follow_rate_limit():
    return current_app.config.get("FOLLOW_RATE_LIMIT", DEFAULT_FOLLOW_LIMIT)


# One budget per IP for the form's submissions (each may send a confirmation mail).
follow_limit = limiter.shared_limit(_follow_rate_limit, scope="follow-submit", methods=["POST"])


def _private(body, status=200):
    """A page reached by a link carrying a token: kept by no cache, never sent on as a referrer."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _fixed_target():
    """(notice, unit, problem) named by ?notice= or ?unit=; problem says why the one asked for is unusable."""
    if request.args.get("notice"):
        notice = public_notice(request.args["notice"])
        return notice, None, None if notice else "notice"
    if request.args.get("unit"):
        unit, refusal = unit_refusal(request.args["unit"])
        return None, unit, refusal
    return None, None, None


def _unit_choices():
    """[(province, [its units of today])] for the select: a province itself, then its communes and wards."""
    return [(entry.unit, [child for child, _count in entry.children]) for entry in unit_directory(with_counts=False)]


def _language():
    locale = get_locale()
    return locale.language if locale is not None else "vi"


@blueprint.route("/follow", methods=["GET", "POST"])
@follow_limit
def follow():
    """Follow a notice (?notice=<id>) or a unit (?unit=<code>, or chosen in the form) by e-mail."""
    notice, unit, problem = _fixed_target()
    form = FollowForm()
    if request.method == "GET":
        form.notice.data = str(notice.id) if notice else ""
        form.unit.data = unit.code if unit else ""
    elif form.is_honeypot_filled():
        return redirect(url_for("notices.follow_sent"), code=303)  # a robot: thank it, keep nothing
    elif form.validate_on_submit():
        following.follow(form.email.data, notice=form.followed_notice, unit=form.followed_unit, language=_language())
        db.session.commit()
        return redirect(url_for("notices.follow_sent", **_back_args(form)), code=303)
    if request.method == "POST":
        notice = form.followed_notice or notice
        unit = unit if unit and form.unit.data == unit.code else None
    return render_template(
        "notices/follow.html",
        form=form,
        notice=notice,
        unit=unit,
        problem=problem if request.method == "GET" else None,
        unit_choices=_unit_choices() if notice is None and unit is None else [],
    )


def _back_args(form):
    if form.followed_notice is not None:
        return {"notice": form.followed_notice.id}
    return {"unit": form.followed_unit.code}


@blueprint.get("/follow/sent")
def follow_sent():
    """Check your mailbox (the same page for every address)."""
    notice = public_notice(request.args.get("notice"))
    unit = unit_refusal(request.args["unit"])[0] if request.args.get("unit") else None
    return render_template("notices/follow_sent.html", notice=notice, unit=unit)


def _link_problem(error):
    expired = isinstance(error, following.ExpiredLink)
    return _private(render_template("notices/follow_link.html", outcome="expired" if expired else "bad"), 404)


@blueprint.get("/follow/confirm/<token>")
def confirm_follow(token):
    """Open the confirmation link: the messages start."""
    try:
        follower = following.confirm(token)
    except (following.BadLink, following.ExpiredLink) as error:
        db.session.rollback()
        return _link_problem(error)
    db.session.commit()
    return _private(
        render_template(
            "notices/follow_link.html",
            outcome="confirmed",
            followed=following.followed(follower),
            unsubscribe_url=url_for("notices.unsubscribe_follow", token=following.unsubscribe_token(follower.id)),
        )
    )


@csrf.exempt
@blueprint.route("/follow/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe_follow(token):
    """GET: a one-button page; POST (that button, or a mail program's RFC 8058 one-click): unsubscribe.

    Without CSRF: a mail program posts "List-Unsubscribe=One-Click" with no session, and the signed
    token in the URL already proves the request comes from the mail.
    """
    try:
        follower = following.find_unsubscribing(token)
    except following.BadLink as error:
        return _link_problem(error)
    if request.method == "POST":
        following.unsubscribe(token)
        db.session.commit()
        return _private(
            render_template("notices/follow_link.html", outcome="unsubscribed", followed=following.followed(follower))
        )
    return _private(
        render_template(
            "notices/follow_unsubscribe.html",
            followed=following.followed(follower),
            is_unsubscribed=follower.unsubscribed_at is not None,
        )
    )
