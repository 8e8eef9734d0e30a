"""The pages: each one a handler over the service layer (pipeline, store, whatif, sensitivity,
periods, explain) and a template; the page computes nothing the command line does not."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from ..errors import ScorerError
from ..messages import Message, render, say, words
from ..store import local_time
from ..untrusted import visible
from .app import MAX_FILES, Context, PageError
from .work import Work

if TYPE_CHECKING:
    from ..pipeline import Result
    from ..ranking import Ranking

ROUTES = [
    ("/", "home", ["GET"]),
    ("/login", "login", ["GET", "POST"]),
    ("/logout", "logout", ["POST"]),
    ("/runs", "upload", ["POST"]),
    ("/jobs/<job_id>", "job", ["GET"]),
    ("/runs/<int:run_id>", "run_page", ["GET"]),
    ("/runs/<int:run_id>/district", "district", ["GET"]),
    ("/runs/<int:run_id>/whatif", "whatif", ["GET", "POST"]),
    ("/runs/<int:run_id>/sensitivity", "sensitivity", ["GET"]),
    ("/runs/<int:run_id>/compare", "compare", ["GET"]),
    ("/runs/<int:run_id>/report<suffix>", "download", ["GET"]),
    ("/runs/<int:run_id>/problems.xlsx", "problems", ["GET"]),
    ("/runs/<int:run_id>/publish", "publish", ["POST"]),
    ("/runs/<int:run_id>/delete", "delete", ["POST"]),
    ("/schemes", "add_scheme", ["POST"]),
    ("/schemes/bundled/<name>", "bundled_scheme", ["GET"]),
    ("/schemes/<int:scheme_id>", "scheme_page", ["GET", "POST"]),
]

FAST_WAIT = 2.5  # seconds an upload waits for its run before showing the progress page


class Pages:
    """The handlers (named by ROUTES) over one Work."""

    ROUTES = ROUTES

    def __init__(self, work: Work):
        from ..render.jinja import environment

        self.work = work
        from jinja2 import StrictUndefined

        self.env = environment(undefined=StrictUndefined)

    # ------------------------------------------------------------------------- rendering

    def page(self, ctx: Context, template: str, status: int = 200, **values: Any) -> Response:
        lang = ctx.lang
        flashes, ctx.session.flash = ctx.session.flash, []
        html = self.env.get_template(template).render(
            lang=lang,
            t=words(lang),
            say=lambda code, **p: render(code, lang, **p),
            said=lambda m: m.render(lang) if isinstance(m, Message) else str(m),
            shown=visible,
            local_time=local_time,
            zip=zip,
            csrf=ctx.session.csrf,
            login=ctx.app.token is not None,
            path=ctx.request.path,
            query=ctx.request.query_string.decode("latin-1"),
            flashes=flashes,
            **values,
        )
        return Response(html, status=status, content_type="text/html; charset=utf-8")

    def error_page(self, app, request, lang: str, message: Message, status: int) -> Response:
        html = self.env.get_template("serve_error.html.j2").render(
            lang=lang, t=words(lang), say=lambda code, **p: render(code, lang, **p),
            message=message.render(lang), status=status, login=False, flashes=[],
            csrf="", path=request.path, query="",
        )  # fmt: skip
        return Response(html, status=status, content_type="text/html; charset=utf-8")

    # ------------------------------------------------------------------------- home, login

    def home(self, ctx: Context) -> Response:
        from ..scheme import known_schemes

        with self.work.store() as store:
            runs = store.runs(limit=30)
            saved = store.saved_schemes()
        bundled = [(p.name, _scheme_name(p)) for p in known_schemes()]
        return self.page(ctx, "serve_home.html.j2", runs=runs, bundled=bundled, saved=saved,
                         max_files=MAX_FILES, db=str(self.work.db_path))  # fmt: skip

    def login(self, ctx: Context) -> Response:
        if ctx.request.method == "POST":
            if ctx.app.token_is(ctx.request.form.get("token", "")):
                return ctx.new_login()
            ctx.flash("error", say("serve.login_wrong"))
            return redirect("/login", 303)
        return self.page(ctx, "serve_login.html.j2")

    def logout(self, ctx: Context) -> Response:
        from .app import SESSION_COOKIE

        ctx.app.sessions.end(ctx.request.cookies.get(SESSION_COOKIE))
        return redirect("/login" if ctx.app.token else "/", 303)

    # ------------------------------------------------------------------------- upload, job

    def upload(self, ctx: Context) -> Response:
        request = ctx.request
        files = [f for f in request.files.getlist("files") if f.filename]
        if not files:
            raise PageError(say("serve.no_files"))
        if len(files) > MAX_FILES:
            raise PageError(say("serve.too_many_files", n=len(files), limit=MAX_FILES), 413)
        folder = self.work.folder("upload")
        rules = self._rules_for(request, folder)
        upload = self.work.take_files(files, folder)
        if not upload.paths:
            raise PageError(say("serve.no_data_files", names=upload.skipped or ["—"]))
        if upload.skipped:
            ctx.flash("warning", say("serve.skipped", names=[visible(n) for n in upload.skipped]))
        month = _month(request.form.get("month", ""))
        level = "city" if request.form.get("level") == "city" else None
        job = self.work.start(upload, rules, month, level)
        job.finished.wait(FAST_WAIT)
        if job.finished.is_set() and job.run_id is not None:
            return redirect(f"/runs/{job.run_id}", 303)
        return redirect(f"/jobs/{job.id}", 303)

    def _rules_for(self, request, folder: Path) -> str | Path | None:
        """The scheme the form chose: chosen as the command line chooses, bundled, saved, or
        a rule file uploaded with the returns."""
        from ..scheme import known_schemes

        choice = request.form.get("scheme", "auto")
        rule_file = request.files.get("rules_file")
        if rule_file is not None and rule_file.filename:
            return self.work.take_rule_file(rule_file, folder)
        if choice.startswith("bundled:"):
            wanted = choice.removeprefix("bundled:")
            for path in known_schemes():
                if path.name == wanted:
                    return path
            raise PageError(say("serve.no_scheme"))
        if choice.startswith("saved:") and choice.removeprefix("saved:").isdigit():
            return self.work.scheme_file(int(choice.removeprefix("saved:")))
        return None

    def job(self, ctx: Context, job_id: str) -> Response:
        job = self.work.job(job_id)
        if job is None:
            raise PageError(say("serve.not_found"), 404)
        if job.finished.is_set() and job.run_id is not None:
            return redirect(f"/runs/{job.run_id}", 303)
        return self.page(ctx, "serve_job.html.j2", job=job)

    # ------------------------------------------------------------------------- a run

    def _run(self, run_id: int):
        with self.work.store() as store:
            run = store.run(run_id)
            others = [r for r in store.runs() if r.id != run_id and r.ranked]
        return run, others

    def run_page(self, ctx: Context, run_id: int) -> Response:
        from ..render.context import ranking_rows
        from ..render.json import awards_list
        from ..render.problems import problems_of
        from ..render.report import REPORT_SUFFIXES

        run, others = self._run(run_id)
        result = self.work.result(run_id)
        ranking = result.ranking
        rows = ranking_rows(ranking) if ranking is not None else []
        issues = sorted(result.issues, key=lambda i: (i.severity != "error", _cell_key(i)))
        downloads = [s for s in REPORT_SUFFIXES if s != ".htm"]
        groups = problems_of(result.issues, result.data, ctx.lang) if result.issues else {}
        unsent = [i for i in result.issues if i.code == "missing-return"]
        missing = [i.params["district"] for i in unsent]
        missing_hint = unsent[0].hint(ctx.lang) if unsent else ""  # where the roster is kept
        return self.page(
            ctx, "serve_run.html.j2", run=run, result=result, rows=rows,
            awards=awards_list(ranking, ctx.lang) if ranking is not None else [],
            ties=ranking.ties if ranking is not None else [],
            issues=issues, file_name=self.work.shown_name, downloads=downloads,
            others=[o for o in others if o.scheme_name == run.scheme_name],
            note=self.work.notes.get(run_id), errors=sum(i.severity == "error" for i in issues),
            problem_lists=[(unit, len(found)) for unit, found in groups.items()], missing=missing,
            missing_hint=missing_hint,
        )  # fmt: skip

    def district(self, ctx: Context, run_id: int) -> Response:
        from ..names import find_district

        result = self._ranked(run_id)
        wanted = ctx.request.args.get("name", "")
        name, _ = find_district(wanted, result.data.districts)
        if name is None:
            raise PageError(say("serve.no_district", name=visible(wanted)), 404)
        run, _ = self._run(run_id)
        explanation = result.explainer()(name)
        return self.page(ctx, "serve_district.html.j2", run=run, e=explanation,
                         file_name=self.work.shown_name)  # fmt: skip

    def _ranked(self, run_id: int) -> Result:
        return self._ranking(run_id)[0]

    def _ranking(self, run_id: int) -> tuple[Result, Ranking]:
        """A run's result and its ranking; a run whose data could not be ranked is refused."""
        result = self.work.result(run_id)
        if result.ranking is None:
            raise PageError(say("serve.not_ranked", id=run_id), 409)
        return result, result.ranking

    def whatif(self, ctx: Context, run_id: int) -> Response:
        """What if weights or any rule's numbers were different: the settings are those of
        ``scorer whatif --set``, changed and checked by scorer.whatif; who moves, beside."""
        from ..periods import rank_changes
        from ..pipeline import rescore
        from .whatif_form import changed_scheme, whatif_fields

        run, _ = self._run(run_id)
        result, ranking = self._ranking(run_id)
        groups = whatif_fields(result.scheme, ctx.lang)
        fields = [f for _, _, group in groups for f in group]
        form = ctx.request.form
        keep_total = bool(form.get("keep_total"))
        changes: list[Message] = []
        table = None
        problem: Message | None = None
        if ctx.request.method == "POST":
            settings = []
            for f in fields:
                given = form.get(f["key"], "").strip()
                if given and _differs(given, f["value"]):
                    f["given"] = given
                    settings.append(f)
            if not settings:
                problem = say("serve.whatif_nothing")
            else:
                found = changed_scheme(result.scheme, settings, keep_total)
                if found is None:
                    problem = say("serve.whatif_at_fields")
                elif isinstance(found, Message):
                    problem = found
                else:
                    scheme, changes = found
                    after = rescore(result, scheme)
                    if after.ranking is None:
                        problem = say("serve.whatif_errors")
                    else:
                        moved = rank_changes(ranking, after.ranking)
                        table = {"rows": list(moved.itertuples(index=False)),
                                 "precision": scheme.precision, "total": scheme.total}  # fmt: skip
        return self.page(ctx, "serve_whatif.html.j2", run=run, result=result, groups=groups,
                         changes=changes, table=table, problem=problem,
                         keep_total=keep_total)  # fmt: skip

    def sensitivity(self, ctx: Context, run_id: int) -> Response:
        from ..render.context import robust_layout
        from ..sensitivity import sensitivity

        run, _ = self._run(run_id)
        result, ranking = self._ranking(run_id)
        args = ctx.request.args
        draws = _bounded(args.get("draws"), 2000, 1, 20000, int)
        spread = _bounded(args.get("spread"), 20.0, 0.0, 99.0, float)
        seed = _bounded(args.get("seed"), 0, 0, 2**31, int)
        found = sensitivity(ranking.assessment, draws, spread / 100, seed, result.data)
        return self.page(ctx, "serve_sensitivity.html.j2", run=run, found=found,
                         robust=robust_layout(found, ctx.lang), draws=draws, spread=spread,
                         seed=seed, rows=list(found.table.itertuples(index=False)))  # fmt: skip

    def compare(self, ctx: Context, run_id: int) -> Response:
        from ..periods import behind_schedule, newly_behind, rank_changes

        run, others = self._run(run_id)
        other = _bounded(ctx.request.args.get("with"), 0, 0, 2**62, int)
        if not other:
            raise PageError(say("serve.compare_which"))
        later, later_ranking = self._ranking(run_id)
        earlier, earlier_ranking = self._ranking(other)
        if earlier.scheme != later.scheme:
            raise PageError(say("serve.compare_schemes", a=other, b=run_id))
        changes = rank_changes(earlier_ranking, later_ranking)
        behind_now = behind_schedule(later_ranking.assessment)
        fell = newly_behind(behind_schedule(earlier_ranking.assessment), behind_now)
        with self.work.store() as store:
            earlier_run = store.run(other)
        return self.page(ctx, "serve_compare.html.j2", run=run, earlier=earlier_run,
                         rows=list(changes.itertuples(index=False)),
                         fell=list(fell.itertuples(index=False)),
                         precision=later.scheme.precision)  # fmt: skip

    def download(self, ctx: Context, run_id: int, suffix: str) -> Response:
        from ..render.report import REPORT_SUFFIXES, render

        suffix = suffix.lower()
        if suffix not in REPORT_SUFFIXES:
            raise PageError(say("serve.not_found"), 404)
        result = self._ranked(run_id)
        data = render(result, suffix, ctx.lang)
        name = f"{render_name(ctx.lang, run_id)}{suffix}"
        return _attachment(data, suffix, name, f"report-{run_id}{suffix}")

    def problems(self, ctx: Context, run_id: int) -> Response:
        """The problem list to send back (问题清单), as ``scorer check -o`` writes it: every
        district a sheet of one workbook, or (``?unit=``) one district's own workbook."""
        from ..render.problems import problems_of, problems_xlsx, unit_file_name

        result = self.work.result(run_id)
        groups = problems_of(result.issues, result.data, ctx.lang)
        unit = ctx.request.args.get("unit")
        if unit is None:
            if not groups:
                raise PageError(say("serve.no_problems", id=run_id), 404)
            name = f"{render('serve.problems_name', ctx.lang, id=run_id)}.xlsx"
        elif unit in groups:
            groups = {unit: groups[unit]}
            name = f"{render('serve.problems_name', ctx.lang, id=run_id)}-{unit_file_name(unit)}"
        else:
            raise PageError(say("serve.no_problems_of", name=visible(unit), id=run_id), 404)
        data = problems_xlsx(result.scheme, groups, ctx.lang)
        return _attachment(data, ".xlsx", name, f"problems-{run_id}.xlsx")

    def publish(self, ctx: Context, run_id: int) -> Response:
        with self.work.store() as store:
            store.publish(run_id, f"{_who()} (web)")
        ctx.flash("ok", say("history.publish_done", id=run_id))
        return redirect(f"/runs/{run_id}", 303)

    def delete(self, ctx: Context, run_id: int) -> Response:
        try:
            with self.work.store() as store:
                store.delete(run_id)
        except ScorerError as exc:
            said = exc.said if isinstance(exc.said, Message) else say("serve.failed", error=exc)
            ctx.flash("error", said)
            return redirect(f"/runs/{run_id}", 303)
        ctx.flash("ok", say("history.deleted", id=run_id))
        return redirect("/", 303)

    # ------------------------------------------------------------------------- schemes

    def add_scheme(self, ctx: Context) -> Response:
        from ..scheme import check_scheme_file

        storage = ctx.request.files.get("rules_file")
        if storage is None or not storage.filename:
            raise PageError(say("serve.no_rule_file"))
        path = self.work.take_rule_file(storage, self.work.folder("scheme"))
        scheme, issues = check_scheme_file(path)
        if scheme is None:
            return self.page(ctx, "serve_scheme_problems.html.j2", status=422,
                             name=storage.filename, issues=issues)  # fmt: skip
        with self.work.store() as store:
            text = path.read_bytes().decode("utf-8-sig")
            scheme_id = store.add_scheme(text, scheme.name, storage.filename, saved=True)
        return redirect(f"/schemes/{scheme_id}", 303)

    def bundled_scheme(self, ctx: Context, name: str) -> Response:
        from ..scheme import known_schemes, load_scheme

        for path in known_schemes():
            if path.name == name:
                scheme = load_scheme(path)
                with self.work.store() as store:
                    text = path.read_bytes().decode("utf-8-sig")
                    scheme_id = store.add_scheme(text, scheme.name, path.name)
                return redirect(f"/schemes/{scheme_id}", 303)
        raise PageError(say("serve.no_scheme"), 404)

    def scheme_page(self, ctx: Context, scheme_id: int) -> Response:
        from ..render.context import weight_rows
        from ..scheme import check_scheme_text
        from ..scheme.edit import check_edit, numeric_fields

        with self.work.store() as store:
            stored = store.scheme(scheme_id)
        scheme, problems = check_scheme_text(stored.text, stored.source)
        fields = numeric_fields(stored.text)
        at: dict[str, list] = {}
        given: dict[str, str] = {}
        if ctx.request.method == "POST" and scheme is not None:
            values, bad = {}, []
            for f in fields:
                text = ctx.request.form.get(f.key, "").strip()
                given[f.key] = text
                if text and _differs(text, f.value):
                    number = _float(text)
                    if number is None:
                        at.setdefault(f.key, []).append(say("serve.not_a_number", value=text))
                        bad.append(f.key)
                    else:
                        values[f.key] = number
            if not values and not bad:
                ctx.flash("warning", say("serve.scheme_unchanged"))
            elif not bad:
                edited, found, elsewhere = check_edit(stored.text, values, stored.source)
                if not found and not elsewhere:
                    with self.work.store() as store:
                        new_id = store.add_scheme(edited, scheme.name, stored.source,
                                                  parent_id=scheme_id, saved=True)  # fmt: skip
                    ctx.flash("ok", say("serve.scheme_saved", id=new_id))
                    return redirect(f"/schemes/{new_id}", 303)
                at = {k: [i.message(ctx.lang) for i in v] for k, v in found.items()}
                problems = elsewhere
        rows = weight_rows(scheme, ctx.lang)[0] if scheme is not None else []
        at = {k: [m.render(ctx.lang) if isinstance(m, Message) else m for m in v]
              for k, v in at.items()}  # fmt: skip
        return self.page(ctx, "serve_scheme.html.j2", stored=stored, scheme=scheme, rows=rows,
                         fields=fields, at=at, given=given, problems=problems)  # fmt: skip


# ----------------------------------------------------------------------------- helpers

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
}


def _attachment(data: bytes, suffix: str, name: str, ascii_name: str) -> Response:
    """A download: its bytes, its type, and its name (in UTF-8, with a plain one for old
    browsers); the name is quoted, never taken as a path."""
    response = Response(data, content_type=_CONTENT_TYPES.get(suffix, "application/octet-stream"))
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    return response


def render_name(lang: str, run_id: int) -> str:
    return render("serve.report_name", lang, id=run_id)


def _scheme_name(path: Path) -> str:
    from ..scheme import load_scheme

    try:
        return load_scheme(path).name
    except ScorerError:
        return path.name


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _differs(text: str, value: float) -> bool:
    number = _float(text)
    return number is None or abs(number - float(value)) > 1e-12


def _month(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 12:
        raise PageError(say("serve.bad_month", value=visible(text)))
    return int(text)


def _bounded(text: str | None, default, low, high, kind):
    if text is None or not str(text).strip():
        return default
    try:
        value = kind(text)
    except ValueError:
        raise PageError(say("serve.bad_number", value=visible(text))) from None
    if not low <= value <= high:
        raise PageError(say("serve.bad_number", value=visible(text)))
    return value


def _cell_key(issue) -> tuple:
    return (issue.file or "", issue.sheet or "", len(issue.cell or ""), issue.cell or "")


def _who() -> str:
    from ..store import who

    return who()
