"""The command line: parses options, calls the core, renders with rich. Heavy imports stay inside."""

from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import sys
from pathlib import Path

import click

from . import __version__
from .untrusted import visible

EXIT_PROBLEMS = 1

TEXT = {
    "zh": {
        "scheme": "考核方案",
        "because": "依据",
        "sample": "使用内置示例数据",
        "rank": "排名",
        "district": "地区",
        "total": "总分",
        "grade": "等次",
        "survey_rank": "社情民意排名",
        "city_rank": "市内名次",
        "award_title": "{name}：{n} 个（名额 {quota} 个）",
        "award_none": "无（符合条件的 {eligible} 个）",
        "award_group": "{city}（名额{quota}）：",
        "ties_title": "同分名次按 {chain} 依次比较确定：",
        "no_city": "数据中没有所属市“{name}”。可选：{known}",
        "title": "{name}  排名（满分 {total}）",
        "suspended_note": "含暂缓实施项目、按可考核分值折算的地区：{names}",
        "problems": "数据问题",
        "cell": "单元格",
        "value": "读到的值",
        "what": "问题",
        "todo": "处理",
        "no_ranking": "数据有 {n} 个错误，未排名。请按上表修改后重新运行 scorer assess。",
        "more": "（另有 {n} 行，用 --top 查看更多）",
        "project": "项目",
        "weight": "分值",
        "indicators": "计分方法",
        "sum": "合计",
        "check_ok": "{file}：没有问题（{n} 个项目，合计 {total} 分）",
        "check_bad": "{file}：{n} 个问题",
        "line": "行",
        "grades": "等次",
        "template": "模板",
        "internal": "内部错误：{error}。请用 --debug 重新运行，并把输出报告给维护者。",
        "month_from_name": "考核月份：{month}月（取自数据文件名；可用 --month 指定）",
        "month_from_option": "考核月份：{month}月（--month 指定）",
        "month_from_scheme": "考核月份：{month}月（考核方案 schedule.month 规定；可用 --month 指定）",
        "month_needed": "考核方案“{name}”按序时进度计分，需要考核月份，但数据文件名中没有月份。请用 --month 指定（如 --month 6），或在文件名中写明月份（如 2015-06.xlsx、1-9月.xlsx、第三季度.xlsx）",
        "month_several": "考核方案“{name}”按序时进度计分，需要一个考核月份，但各数据文件名中的月份不一致（{found}）。请分别计分，或用 --month 指定",
        "sheets_need_districts": "--layout sheets 需要 --districts 给出地区名单",
        "xlsx_only": "填报表只能写成 .xlsx 文件：{path}",
        "template_done": "已生成填报表：{path}（{districts} 个地区 × {projects} 个项目）",
        "explain_usage": "用法：scorer explain 数据文件… 地区",
        "compare_title": "{name}：{a} → {b} 名次变化",
        "fell_behind": "本期新落后于序时进度的项目",
        "lag_line": "{district}：{project}，完成 {done:.1%}，应达 {expected:.1%}",
        "lag_item": "{project} {done:.1%}/{expected:.1%}",
        "notice": "通报：落后于序时进度的项目（完成/应达）",
        "nothing": "无。",
        "trend": "走势",
        "trend_title": "{name}：各期总分（名次）",
        "varied": "变动",
        "held": "不变",
        "median_rank": "中位排名",
        "rank_range": "排名区间(5–95%)",
        "grade_kept": "保持等次",
        "award_share": "评上比例",
        "award_share_note": "评上比例：各次抽样中评上“{award}”的比例；★ 为本次评上。",
        "whatif_needs": "请用 --set 项目=分值 或 --rules-b 方案 给出要比较的改动",
        "change": "改动",
        "whatif_title": "{name}（改动后，满分 {total}）名次变化",
        "new_rank": "新排名",
        "old_rank": "原排名",
        "move": "变化",
        "old_total": "原总分",
        "new_total": "新总分",
        "reading": "读取填报表",
        "bad_output": "无法写出 {path}：报告可以是 {known}",
        "output_is_input": "{path} 是输入文件，不能用作报告输出。请换一个报告文件名",
        "report_written": "已写出报告：{path}",
        "no_district": "数据中没有地区“{name}”。是否是：{known}",
        "inputs_short": "数据：",
        "rule_short": "计分：",
        "suspended_left_out": "暂缓实施，不计分",
        "check_data_ok": "可以计分：{districts} 个地区，{rows} 行数据；{warnings} 个提醒",
        "check_data_bad": "有 {n} 个错误，不能计分。请按上表修改。",
        # --- writing reports, paths that cannot be used (issue 11)
        "cannot_write": "无法写出 {path}：{reason}。{todo}",
        "cannot_access": "无法使用路径 {path}：{reason}。请检查路径后重新运行",
        "why_ENOENT": "文件夹 {folder} 不存在",
        "todo_ENOENT": "请先建立该文件夹，或换一个已有的文件夹",
        "why_ENOTDIR": "{folder} 不是文件夹",
        "todo_ENOTDIR": "请换一个文件夹存放报告",
        "why_EACCES": "没有在文件夹 {folder} 中写文件的权限",
        "todo_EACCES": "请换一个有写入权限的文件夹，或请管理员开通权限",
        "why_EROFS": "文件夹 {folder} 所在的磁盘是只读的",
        "todo_EROFS": "请换到可写的磁盘",
        "why_ENAMETOOLONG": "文件名或路径太长，超过系统上限",
        "todo_ENAMETOOLONG": "请用短一些的文件名或路径",
        "why_ENOSPC": "磁盘空间不足，报告没有写出（也没有留下不完整的文件）",
        "todo_ENOSPC": "请腾出磁盘空间后重新运行",
        "why_EISDIR": "这是一个文件夹",
        "todo_EISDIR": "请给出报告的文件名",
        "why_other": "{error}",
        "todo_other": "请换一个路径后重新运行",
        "access_ENOENT": "文件或文件夹不存在",
        "access_ENOTDIR": "路径中有一段不是文件夹",
        "access_EACCES": "没有访问权限",
        "access_ENAMETOOLONG": "文件名或路径太长，超过系统上限",
        "access_ELOOP": "符号链接循环",
        "name_not_utf8": (
            "无法写出 {path}：文件名 {names} 不是 UTF-8 编码，报告中写不出这些名字。"
            "请把这些文件改名后重新运行"
        ),
        # --- nothing injected, no nonsense accepted (issue 11)
        "sheet_name_taken": "“{name}”与“{other}”在填报表中的表名相同（“{sheet}”；Excel 表名最多 31 个字符、不分大小写、不能含 [ ] : * ? / \\）。请把名称写短或写得不同，或用 --layout long",
        "schemes_differ": "两期的考核方案不同，名次不能比较：{a}按“{name_a}”，{b}按“{name_b}”；不同之处：{what}。请用 --rules 指定同一个方案",
        "scheme_parts": {
            "name": "方案名称",
            "year": "年度",
            "total": "总分",
            "precision": "小数位数",
            "grades": "等次",
            "columns": "输入列",
            "survey": "社情民意",
            "schedule": "序时进度",
            "templates": "计分模板",
            "projects": "项目及分值",
            "checks": "审核提示",
            "ranking": "排名规则",
            "awards": "评奖",
            "sensitivity": "稳健性设置",
        },
        "bad_spread": "应为 0 与 100% 之间的数，如 20%，读到“{value}”",
        "bad_seed": "应为不小于 0 的整数，如 0 或 42，读到“{value}”",
    },
    "en": {
        "scheme": "Scheme",
        "because": "chosen by",
        "sample": "using the bundled sample",
        "rank": "Rank",
        "district": "District",
        "total": "Total",
        "grade": "Grade",
        "survey_rank": "Survey rank",
        "city": "City",
        "city_rank": "In city",
        "award_title": "{name}: {n} (quota {quota})",
        "award_none": "none ({eligible} eligible)",
        "award_group": "{city} ({quota}): ",
        "ties_title": "Equal totals ordered by {chain}:",
        "no_city": "no city “{name}” in the data. Known: {known}",
        "title": "{name}  ranking (out of {total})",
        "suspended_note": "Rescaled for suspended projects: {names}",
        "problems": "Data problems",
        "cell": "Cell",
        "value": "Found",
        "what": "Problem",
        "todo": "What to do",
        "no_ranking": "The data have {n} error(s); no ranking. Fix them as listed and run scorer assess again.",
        "more": "({n} more rows; see them with --top)",
        "project": "Project",
        "weight": "Points",
        "indicators": "Scoring",
        "sum": "Total",
        "check_ok": "{file}: no problems ({n} projects, {total} points in all)",
        "check_bad": "{file}: {n} problem(s)",
        "line": "line",
        "grades": "Grades",
        "template": "template ",
        "internal": "internal error: {error}. Run again with --debug and report the output.",
        "month_from_name": "assessment month: {month} (from the data file's name; set it with --month)",
        "month_from_option": "assessment month: {month} (--month)",
        "month_from_scheme": "assessment month: {month} (the scheme's schedule.month; set it with --month)",
        "month_needed": "the scheme “{name}” scores progress against the time schedule and needs an assessment month, but the data file names give none. Give it with --month (e.g. --month 6) or in the file name (e.g. 2015-06.xlsx)",
        "month_several": "the scheme “{name}” needs one assessment month, but the data file names give several ({found}). Score them separately, or give --month",
        "sheets_need_districts": "--layout sheets needs the districts in --districts",
        "xlsx_only": "the template is written as an .xlsx file: {path}",
        "template_done": "wrote {path} ({districts} district(s) × {projects} projects)",
        "explain_usage": "usage: scorer explain DATA... DISTRICT",
        "compare_title": "{name}: {a} → {b}, rank changes",
        "fell_behind": "Fell behind the time schedule since the earlier period",
        "lag_line": "{district}: {project}, {done:.1%} done, {expected:.1%} due",
        "lag_item": "{project} {done:.1%}/{expected:.1%}",
        "notice": "To notify: projects behind the time schedule (done/due)",
        "nothing": "None.",
        "trend": "Trend",
        "trend_title": "{name}: totals (rank) by period",
        "varied": "varied",
        "held": "held fixed",
        "median_rank": "Median rank",
        "rank_range": "Rank 5–95%",
        "grade_kept": "Grade kept",
        "award_share": "Honoured",
        "award_share_note": "Honoured: share of draws in which it wins “{award}”; ★ won it as scored.",
        "whatif_needs": "say what to change: --set PROJECT=POINTS or --rules-b SCHEME",
        "change": "change",
        "whatif_title": "{name} (changed, out of {total}): rank changes",
        "new_rank": "New rank",
        "old_rank": "Old rank",
        "move": "Move",
        "old_total": "Old total",
        "new_total": "New total",
        "reading": "reading returns",
        "bad_output": "cannot write {path}: a report is one of {known}",
        "output_is_input": "{path} is an input file; it cannot be a report. Name another file",
        "report_written": "wrote {path}",
        "no_district": "no district “{name}” in the data. Did you mean: {known}",
        "inputs_short": "data: ",
        "rule_short": "rule: ",
        "suspended_left_out": "suspended, left out",
        "check_data_ok": "ready to score: {districts} districts, {rows} rows; {warnings} warning(s)",
        "check_data_bad": "{n} error(s): the data cannot be scored. Fix them as listed.",
        # --- writing reports, paths that cannot be used (issue 11)
        "cannot_write": "cannot write {path}: {reason}; {todo}",
        "cannot_access": "cannot use the path {path}: {reason}. Check it and run again",
        "why_ENOENT": "the folder {folder} does not exist",
        "todo_ENOENT": "create it first, or choose a folder that exists",
        "why_ENOTDIR": "{folder} is not a folder",
        "todo_ENOTDIR": "choose a folder for the report",
        "why_EACCES": "no permission to write files in the folder {folder}",
        "todo_EACCES": "choose a folder you may write to, or ask for the permission",
        "why_EROFS": "the folder {folder} is on a read-only disk",
        "todo_EROFS": "choose a writable disk",
        "why_ENAMETOOLONG": "the file name or path is longer than the system allows",
        "todo_ENAMETOOLONG": "use a shorter name or path",
        "why_ENOSPC": "the disk is full; no report was written (and no partial file left)",
        "todo_ENOSPC": "free some space and run again",
        "why_EISDIR": "it is a folder",
        "todo_EISDIR": "name the report's file",
        "why_other": "{error}",
        "todo_other": "choose another path and run again",
        "access_ENOENT": "no such file or folder",
        "access_ENOTDIR": "a part of the path is not a folder",
        "access_EACCES": "permission denied",
        "access_ENAMETOOLONG": "the file name or path is longer than the system allows",
        "access_ELOOP": "a loop of symbolic links",
        "name_not_utf8": (
            "cannot write {path}: the file name(s) {names} are not UTF-8 and cannot be put in "
            "a report; rename them and run again"
        ),
        # --- nothing injected, no nonsense accepted (issue 11)
        "sheet_name_taken": "“{name}” and “{other}” make the same sheet name in the template (“{sheet}”; Excel allows 31 characters, ignores case and forbids [ ] : * ? / \\). Make the names shorter or different, or use --layout long",
        "schemes_differ": "the two periods were scored under different schemes, so their ranks do not compare: {a} under “{name_a}”, {b} under “{name_b}”; they differ in: {what}. Give the same scheme with --rules",
        "scheme_parts": {
            "name": "name",
            "year": "year",
            "total": "total",
            "precision": "decimals",
            "grades": "grades",
            "columns": "input columns",
            "survey": "survey",
            "schedule": "time schedule",
            "templates": "templates",
            "projects": "projects and weights",
            "checks": "checks",
            "ranking": "ranking rules",
            "awards": "awards",
            "sensitivity": "sensitivity settings",
        },
        "bad_spread": "a number between 0 and 100%, such as 20%; found “{value}”",
        "bad_seed": "a whole number of 0 or more, such as 0 or 42; found “{value}”",
    },
}

GRADE_STYLE = {0: "bold green", 1: "green", 2: "yellow"}


def sparkline(values: list[float], low: float, high: float) -> str:
    """A row of block characters, one per value, on the common scale low..high."""
    blocks = "▁▂▃▄▅▆▇█"
    if high - low < 1e-12:
        return blocks[3] * len(values)
    return "".join(
        " " if v != v else blocks[min(7, int((v - low) / (high - low) * 7.999))] for v in values
    )


def _lang_option(func):
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=lambda: os.environ.get("SCORER_LANG", "zh"),
        show_default="zh",
        help="输出语言 / output language.",
    )(func)


def _console(stderr: bool = False):
    return _safe_console()(
        stderr=stderr, highlight=False, soft_wrap=False, markup=False, emoji=False
    )


@functools.cache
def _safe_console():
    """The console every command prints with. Names and texts come from the returns and rule
    files, so no printed string is read as rich markup or :emoji: codes, and every control
    character in one is shown as an escape (\\x1b), never sent to the terminal: all of rich's
    strings, table cells and titles included, pass through render_str. Styles are given with
    ``style=`` or, within a line, with _line."""
    from rich.console import Console

    class SafeConsole(Console):
        def render_str(self, text, **options):
            options.update(markup=False, emoji=False)
            return super().render_str(visible(text), **options)

    return SafeConsole


def _line(*parts):
    """One line in several styles: each part a text, or (text, style); texts shown as _console
    shows them."""
    from rich.text import Text

    return Text.assemble(
        *((visible(p), "") if isinstance(p, str) else (visible(p[0]), p[1]) for p in parts)
    )


class _Group(click.Group):
    """Turns ScorerError into a message and an exit status, in one place."""

    def invoke(self, ctx: click.Context):
        from .errors import ScorerError

        try:
            try:
                return super().invoke(ctx)
            finally:  # a closed stdout shows here, not in the flush at exit
                sys.stdout.flush()
        except ScorerError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            from .errors import SchemeError

            if isinstance(exc, SchemeError):
                lang = (ctx.obj or {}).get("lang", "zh")
                _echo_scheme_issues(exc.path, exc.issues, lang, err=True)
            else:
                # the message's own lines kept (a list of known schemes), all else shown
                said = "\n".join(visible(line) for line in str(exc).split("\n"))
                click.echo(f"scorer: {said}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # stdout closed early (`scorer assess … | head -1`): the reader wanted no more, and
            # the reports were written before the ranking was printed. Quietly, as Python's docs
            # advise: later writes (and the flush at exit) go to /dev/null.
            _silence_stdout()
            ctx.exit(EXIT_PROBLEMS)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            lang = (ctx.obj or {}).get("lang", "zh")
            if isinstance(exc, OSError) and exc.filename is not None:
                # a path the system refused (too long, not a folder…), wherever it was used
                message = _cannot_access(exc, lang)
            else:
                message = TEXT[lang]["internal"].format(error=f"{type(exc).__name__}: {exc}")
            click.echo("scorer: " + message, err=True)
            ctx.exit(EXIT_PROBLEMS)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (a test's runner)
        pass


def _said(path) -> str:
    """A path as a message shows it: bytes that are not UTF-8 as \\xff, a very long path with
    its middle left out."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return text if len(text) <= 160 else f"{text[:60]}…{text[-80:]}"


def _reason(exc: OSError) -> str:
    """The errno's name for the catalogue keys (EPERM reads as EACCES, EDQUOT as ENOSPC)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return {"EPERM": "EACCES", "EDQUOT": "ENOSPC"}.get(name, name)


def _cannot_access(exc: OSError, lang: str) -> str:
    """An input or output path the system refused, said with the path the user gave."""
    text = TEXT[lang]
    reason = text.get(f"access_{_reason(exc)}", exc.strerror or str(exc))
    return text["cannot_access"].format(path=_said(exc.filename), reason=reason)


def _cannot_write(path: str, exc: OSError, lang: str) -> str:
    """Why a report cannot be written to ``path``, and what to do, named by the user's path."""
    text = TEXT[lang]
    name = _reason(exc)
    if f"why_{name}" not in text or (name == "ENOENT" and Path(path).parent.is_dir()):
        name = "other"  # (ENOENT in a folder that is there: a special one, such as /proc)
    folder = _said(Path(path).parent)
    error = exc.strerror or str(exc)
    return text["cannot_write"].format(
        path=_said(path),
        reason=text[f"why_{name}"].format(folder=folder, error=error),
        todo=text[f"todo_{name}"],
    )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scorer")
@click.option("--debug", is_flag=True, help="出错时显示 Python 回溯 / show tracebacks.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """民生工程考核：按考核方案给各地区计分、排名并出报告。

    Score, rank and report how districts carry out livelihood projects.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


# ----------------------------------------------------------------------------- assess


def _resolve_data(paths: tuple[str, ...], lang: str, quiet: bool = False) -> list[str]:
    """A missing samples/… path falls back to the bundled sample, so the README works anywhere
    (said on stderr unless ``quiet``)."""
    from .bundled import bundled_dir

    resolved = []
    for given in paths:
        path = Path(given)
        bundled = bundled_dir("samples") / path.name
        if (
            not path.exists()
            and not path.is_absolute()
            and path.parts[:1] == ("samples",)
            and bundled.exists()
        ):
            if not quiet:
                click.echo(f"{TEXT[lang]['sample']}: {bundled}", err=True)
            resolved.append(str(bundled))
        else:
            resolved.append(given)
    return resolved


def _data_options(func):
    """DATA, --rules and --month: what assess and check share."""
    func = click.option(
        "--month", type=click.IntRange(1, 12), help="考核月份（序时进度用）/ assessment month."
    )(func)
    func = click.option(
        "--rules",
        "-r",
        "rules",
        metavar="FILE",
        help="考核方案（YAML）；缺省时自动选择 / rule file.",
    )(func)
    return click.argument("data", nargs=-1, required=True)(func)


def _level_option(func):
    """--level city: counties rolled up into their cities (kept in ctx.obj for _run)."""

    def remember(ctx: click.Context, param, value):
        ctx.ensure_object(dict)["level"] = value
        return value

    return click.option(
        "--level",
        type=click.Choice(["city"]),
        callback=remember,
        expose_value=False,
        help="city：把各县数量、资金按所属市相加后按市计分排名 / roll counties up to cities.",
    )(func)


def _output_option(help_text: str):
    return click.option(
        "--output", "-o", "outputs", multiple=True, type=click.Path(dir_okay=False), help=help_text
    )


def _top_option(func):
    return click.option(
        "--top", type=click.IntRange(min=1), help="只显示前 N 名 / show the first N only."
    )(func)


def _format_option(func):
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
    )(func)


def _run(
    ctx: click.Context, data: tuple[str, ...], rules: str | None, month: int | None, lang: str
):
    """Choose and load the scheme and decide the month (saying which), then read, check and
    score the data: the pipeline's prepare and run, with one progress bar over both."""
    from .pipeline import MonthNeeded, prepare, run

    ctx.obj["lang"] = lang
    text = TEXT[lang]
    paths = _resolve_data(data, lang)
    with _Progress(TEXT[lang]["reading"]) as progress:
        # one bar, counting files, for both passes over them: opening a file (its parse begins
        # then, while the scheme loads) counts half, checking its rows the other half
        try:
            plan = prepare(paths, rules, month, lambda done, total: progress(done / 2, total))
        except MonthNeeded as exc:
            from .errors import UsageError

            found = "、".join(f"{m}月" if lang == "zh" else str(m) for m in exc.found)
            key = "month_several" if exc.found else "month_needed"
            raise UsageError(text[key].format(name=exc.scheme, found=found)) from None
        click.echo(
            visible(
                f"{text['scheme']}: {plan.scheme.name}  ({_shown(plan.scheme_path)}; {text['because']}: {plan.reason[lang]})"
            ),
            err=True,
        )
        if plan.month_source is not None:
            click.echo(text[f"month_from_{plan.month_source}"].format(month=plan.month), err=True)

        def checked(done: int, total: int) -> None:
            progress((total + done) / 2, total)

        return run(plan, checked, ctx.obj.get("level"))


class _Progress:
    """A progress bar on stderr, shown only on a terminal and only once the work has taken more
    than a second: quick runs and redirected output stay clean."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.task = None
        self.started = 0.0

    def __enter__(self):
        import time

        self.started = time.monotonic()
        return self

    def __call__(self, done: float, total: int) -> None:
        import time

        if self.bar is None:
            if not sys.stderr.isatty() or time.monotonic() - self.started < 1.0:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.bar = Progress(
                "{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=_console(stderr=True),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


@main.command()
@_data_options
@_format_option
@_top_option
@_output_option("写出报告：.html、.md、.xlsx 或 .json，可多次使用 / write a report (repeatable).")
@click.option(
    "--city", metavar="市", help="只显示该市的县（市、区） / show one city's counties only."
)
@_level_option
@_lang_option
@click.pass_context
def assess(
    ctx: click.Context,
    data: tuple[str, ...],
    rules: str | None,
    month: int | None,
    fmt: str,
    top: int | None,
    outputs: tuple[str, ...],
    city: str | None,
    lang: str,
) -> None:
    """对 DATA（xlsx/xls/ods/csv 文件、文件夹）计分并排名。

    Score and rank the districts in DATA (files or folders). Without --rules the scheme is the
    only one in ./rules/, else the bundled one whose year is in the data file's name.
    """
    _check_outputs(outputs, data, lang, rules=rules)
    result = _run(ctx, data, rules, month, lang)
    from .render import issues_json, to_json  # after the run: it imports pandas, the run hides it

    shown_city = _city(result, city, lang) if fmt != "json" else None
    if result.ranking is not None:  # before the ranking is printed: a closed stdout loses nothing
        _write_reports(result, outputs, lang)

    if fmt == "json":
        if result.ranking is None:
            click.echo(issues_json(result.issues, lang), nl=False)
        else:
            click.echo(to_json(result.ranking, result.issues, lang), nl=False)
    else:
        if result.ranking is not None:
            _print_ranking(result.ranking, lang, top, shown_city)
        if result.issues:
            _print_issues(result.issues, lang)
        if result.ranking is None:
            click.echo(TEXT[lang]["no_ranking"].format(n=_errors(result.issues)), err=True)
    if result.ranking is None:
        ctx.exit(EXIT_PROBLEMS)


def _city(result, wanted: str | None, lang: str) -> str | None:
    """The city --city names (安庆 for 安庆市), or a usage error listing the cities."""
    from .errors import UsageError
    from .names import find_city

    if wanted is None or result.ranking is None:
        return None
    cities = list(dict.fromkeys(result.data.groups.values()))
    found = find_city(wanted, cities)
    if found is None:
        known = "、".join(cities) or "—"
        raise UsageError(TEXT[lang]["no_city"].format(name=wanted, known=known))
    return found


def _check_outputs(
    outputs: tuple[str, ...],
    data: tuple[str, ...],
    lang: str,
    known: tuple[str, ...] = (),
    rules: str | None = None,
) -> None:
    """Before any work: each report's format is known, its folder takes a file, and none is a
    file the run reads (a data file however named, or the rule file)."""
    if not outputs:
        return
    from .errors import UsageError
    from .render.report import REPORT_SUFFIXES
    from .sheets import expand_paths

    known = known or REPORT_SUFFIXES
    for output in outputs:
        suffix = Path(output).suffix.lower()
        if suffix not in known:
            raise UsageError(
                TEXT[lang]["bad_output"].format(path=_said(output), known="、".join(known))
            )
    read = [*expand_paths(_resolve_data(data, lang, quiet=True)), *([rules] if rules else [])]
    _guard_outputs(outputs, read, lang)


def _identities(paths) -> set:
    """What makes two names one file: device and inode where it exists (a hard link, a
    symlink), and the path resolved (a relative path, ./x, a link's target)."""
    found: set = set()
    for path in paths:
        try:
            info = os.stat(path)
            found.add((info.st_dev, info.st_ino))
        except (OSError, ValueError):
            pass
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            found.add(Path(path).resolve())
    return found


def _guard_outputs(outputs, read, lang: str) -> None:
    """Refuse an output that is a file read, or whose folder cannot take a file (usage: exit 2)."""
    from .errors import UsageError
    from .render import probe_folder

    inputs = _identities(read)
    for output in outputs:
        if _identities([output]) & inputs:
            raise UsageError(TEXT[lang]["output_is_input"].format(path=_said(output)))
        try:
            probe_folder(output)
        except OSError as exc:
            raise UsageError(_cannot_write(output, exc, lang)) from exc


@contextlib.contextmanager
def _names_in_report(output: str, files, lang: str):
    """A data file named in bytes that are not UTF-8 (b'\\xff.csv', as a Linux shell may pass it)
    cannot be written into a report: say which, instead of an internal error."""
    from .errors import ScorerError

    try:
        yield
    except UnicodeEncodeError as exc:
        names = [f for f in map(str, files) if not _utf8(f)] or [exc.object[exc.start : exc.end]]
        said = "、".join(_said(n) for n in names)
        raise ScorerError(
            TEXT[lang]["name_not_utf8"].format(path=_said(output), names=said)
        ) from exc


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _write_output(output: str, data: bytes, lang: str) -> None:
    """A file the user named, written whole or not at all; a failure said with its path."""
    from .errors import ScorerError
    from .render import write_atomic

    try:
        write_atomic(output, data)
    except OSError as exc:
        raise ScorerError(_cannot_write(output, exc, lang)) from exc


def _write_reports(result, outputs: tuple[str, ...], lang: str, robustness=None) -> None:
    """Each report rendered in full, then renamed into place: there or not at all."""
    from .render.report import render

    for output in outputs:
        with _names_in_report(output, result.data.files, lang):
            data = render(result, Path(output).suffix, lang, robustness)
        _write_output(output, data, lang)
        click.echo(TEXT[lang]["report_written"].format(path=_said(output)), err=True)


@main.command()
@_data_options
@_format_option
@_lang_option
@click.pass_context
def check(
    ctx: click.Context,
    data: tuple[str, ...],
    rules: str | None,
    month: int | None,
    fmt: str,
    lang: str,
) -> None:
    """检查填报数据，列出全部问题及所在单元格（不排名）；能计分时退出码为 0。

    Check DATA without ranking: every problem with its file, sheet and cell. Exit 0 when the
    data can be scored, 1 otherwise.
    """
    result = _run(ctx, data, rules, month, lang)
    from .render import issues_json

    ok = result.ranking is not None
    text = TEXT[lang]
    if fmt == "json":
        summary = {"ok": ok, "districts": len(result.data.districts), "rows": len(result.data.rows)}
        click.echo(issues_json(result.issues, lang, **summary), nl=False)
    else:
        if result.issues:
            _print_issues(result.issues, lang)
        warnings = sum(1 for i in result.issues if i.severity == "warning")
        if ok:
            line = text["check_data_ok"].format(
                districts=len(result.data.districts), rows=len(result.data.rows), warnings=warnings
            )
            click.echo(click.style("✓ ", fg="green") + line, err=True)
        else:
            click.echo(
                click.style("✗ ", fg="red")
                + text["check_data_bad"].format(n=_errors(result.issues)),
                err=True,
            )
    if not ok:
        ctx.exit(EXIT_PROBLEMS)


@main.command()
@click.option(
    "--rules",
    "-r",
    "rules",
    metavar="FILE",
    required=True,
    help="考核方案 / rule file (or a bundled scheme's name).",
)
@click.option("--districts", "-d", help="地区名单，以逗号或顿号分隔 / districts, comma-separated.")
@click.option("--layout", type=click.Choice(["long", "sheets"]), default="long", show_default=True,
              help="long：一张表含地区列；sheets：每个地区一张表 / one sheet, or a sheet per district.")  # fmt: skip
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False),
    help="输出的 xlsx 文件 / the workbook to write.",
)
@_lang_option
@click.pass_context
def template(
    ctx: click.Context, rules: str, districts: str | None, layout: str, output: str, lang: str
) -> None:
    """生成各地区填写的填报表（xlsx）/ write the intake workbook districts fill in.

    The scheme's columns with Chinese labels and units, a row per project, checks on numeric
    cells, a drop-down for 状态, a frozen header and an instructions sheet. A filled-in template
    passes `scorer check` with no further setup.
    """
    from .errors import UsageError
    from .render.template import template_xlsx
    from .scheme import choose_scheme, load_scheme

    ctx.obj["lang"] = lang
    names = [n.strip() for n in re.split(r"[,，、;；\s]+", districts or "") if n.strip()]
    if layout == "sheets" and not names:
        raise UsageError(TEXT[lang]["sheets_need_districts"])
    if Path(output).suffix.lower() != ".xlsx":
        raise UsageError(TEXT[lang]["xlsx_only"].format(path=output))
    path, _ = choose_scheme([], rules)
    _guard_outputs((output,), [path], lang)
    scheme = load_scheme(path)
    from .render.template import SheetNameTaken

    try:
        workbook = template_xlsx(scheme, list(dict.fromkeys(names)), layout, path.name)
    except SheetNameTaken as clash:
        said = TEXT[lang]["sheet_name_taken"]
        raise UsageError(
            said.format(name=clash.name, other=clash.other, sheet=clash.sheet)
        ) from None
    _write_output(output, workbook, lang)
    projects = sum(1 for p in scheme.projects if p.level == "project")
    click.echo(
        TEXT[lang]["template_done"].format(
            path=_said(output), districts=len(names) or 1, projects=projects
        ),
        err=True,
    )


@main.command()
@click.argument("args", nargs=-1, required=True, metavar="DATA... DISTRICT")
@click.option(
    "--rules", "-r", "rules", metavar="FILE", help="考核方案（YAML）；缺省时自动选择 / rule file."
)
@click.option(
    "--month", type=click.IntRange(1, 12), help="考核月份（序时进度用）/ assessment month."
)
@_level_option
@_lang_option
@click.pass_context
def explain(
    ctx: click.Context, args: tuple[str, ...], rules: str | None, month: int | None, lang: str
) -> None:
    """逐项说明一个地区的每一分：数据所在单元格、计分规则、得分与折算。

    Account for every point of DISTRICT: for each project the input cells, the rule applied in
    words, the points earned and lost, deductions, the rescaling, and the sum to the total.
    """
    from .errors import UsageError
    from .names import find_district

    if len(args) < 2:
        raise UsageError(TEXT[lang]["explain_usage"])
    *data, wanted = args
    result = _run(ctx, tuple(data), rules, month, lang)
    if result.ranking is None:
        _print_issues(result.issues, lang)
        click.echo(TEXT[lang]["no_ranking"].format(n=_errors(result.issues)), err=True)
        ctx.exit(EXIT_PROBLEMS)
    district, close = find_district(wanted, result.data.districts)
    if district is None:
        known = "、".join(close or result.data.districts)
        raise UsageError(TEXT[lang]["no_district"].format(name=wanted, known=known))
    _print_explanation(result.explainer()(district), lang)


def _print_explanation(explanation, lang: str) -> None:
    """A line per project with its points; under each indicator its cells and its rule."""
    from .render.report import district_view, explanation_summary, inputs_text, item_title

    text = TEXT[lang]
    console = _console()
    console.print(explanation_summary(explanation, lang), style="bold")
    sources = "；".join(district_view(explanation).sources)
    console.print(f"{text['inputs_short']}{sources}", style="dim")
    for number, item in enumerate(explanation.items, 1):
        console.print()
        console.print(
            _line((f"{number}. {item_title(item, lang)}", "bold"), f"  {_item_points(item, lang)}")
        )
        for line in item.lines:
            full = f" / {line.full:.2f}" if line.full is not None else ""
            console.print(_line(f"   {line.name}  ", (f"{line.points:+.2f}", "bold"), full))
            if line.inputs:
                console.print(f"      {text['inputs_short']}{inputs_text(line, lang)}", style="dim")
            console.print(f"      {text['rule_short']}{line.words[lang]}")
    console.print()
    for sentence in explanation_summary(explanation, lang, closing=True).split("\n"):
        console.print(sentence, style="bold")


def _item_points(item, lang: str) -> str:
    if item.suspended:
        return TEXT[lang]["suspended_left_out"]
    return f"{item.score:.2f} / {item.weight:g}"


@main.command()
@click.argument("data", nargs=-1, required=True)
@click.option(
    "--rules", "-r", "rules", metavar="FILE", help="考核方案（YAML）；缺省时自动选择 / rule file."
)
@click.option("--set", "settings", multiple=True, metavar="项目=分值",
              help="改分值（项目=分值）或参数（项目.指标.参数=值），可多次使用 / change a weight or parameter.")  # fmt: skip
@click.option(
    "--keep-total",
    is_flag=True,
    help="按比例缩放各项目分值，保持总分 / rescale weights to keep the total.",
)
@click.option(
    "--rules-b",
    "rules_b",
    metavar="FILE",
    help="与另一个完整的方案比较 / compare with another whole scheme.",
)
@click.option(
    "--month", type=click.IntRange(1, 12), help="考核月份（序时进度用）/ assessment month."
)
@_format_option
@_top_option
@_level_option
@_lang_option
@click.pass_context
def whatif(
    ctx: click.Context,
    data: tuple[str, ...],
    rules: str | None,
    settings: tuple[str, ...],
    keep_total: bool,
    rules_b: str | None,
    month: int | None,
    fmt: str,
    top: int | None,
    lang: str,
) -> None:
    """如果改了分值或方案，排名会怎样？打印名次变化表（不修改方案文件）。

    What if the weights (or a method parameter, or the whole scheme) were different? Prints the
    rank-change table: old rank, new rank, change, old and new totals. The rule file is not
    modified.
    """
    from .errors import UsageError
    from .pipeline import assess as run
    from .pipeline import rescore
    from .scheme import changed, choose_scheme, load_scheme

    text = TEXT[lang]
    if not settings and not rules_b:
        raise UsageError(text["whatif_needs"])
    before = _run(ctx, data, rules, month, lang)
    from .render import dumps, whatif_dict

    if before.ranking is None:
        _print_issues(before.issues, lang)
        click.echo(text["no_ranking"].format(n=_errors(before.issues)), err=True)
        ctx.exit(EXIT_PROBLEMS)
    month = before.ranking.assessment.month
    changes: list[dict[str, str]] = []
    if rules_b:
        path, _ = choose_scheme([], rules_b)
        scheme_b = load_scheme(path)
        changes.append(
            {
                "zh": f"方案 B：{scheme_b.name}（{_shown(path)}）",
                "en": f"scheme B: {scheme_b.name} ({_shown(path)})",
            }
        )
        base = scheme_b
    else:
        base = before.scheme
    if settings:
        base, said = changed(base, list(settings), keep_total)
        changes.extend(said)
    after = (
        run(_resolve_data(data, lang), base, month, level=ctx.obj.get("level"))
        if rules_b
        else rescore(before, base, month)
    )
    if after.ranking is None:
        _print_issues(after.issues, lang)
        click.echo(text["no_ranking"].format(n=_errors(after.issues)), err=True)
        ctx.exit(EXIT_PROBLEMS)
    for change in changes:
        click.echo(visible(f"{text['change']}: {change[lang]}"), err=True)
    if fmt == "json":
        click.echo(
            dumps(whatif_dict(before.ranking, after.ranking, changes, after.issues, lang)), nl=False
        )
        return
    from .periods import rank_changes

    scheme = after.scheme
    title = text["whatif_title"].format(name=scheme.name, total=_fmt(scheme.total, 0))
    _print_rank_changes(
        rank_changes(before.ranking, after.ranking), scheme.precision, title, lang, top
    )


def _print_rank_changes(
    changes, precision: int, title: str, lang: str, top: int | None = None
) -> None:
    """The rank-change table of ranking.rank_changes: rank, district, old rank, move, totals."""
    import pandas as pd
    from rich.table import Table

    text = TEXT[lang]
    console = _console()
    console.print(title, style="bold")
    table = Table(header_style="bold", show_edge=False, pad_edge=False)
    for label, justify in ((text["new_rank"], "right"), (text["district"], "left"), (text["old_rank"], "right"), (text["move"], "right"),
                           (text["old_total"], "right"), (text["new_total"], "right"), (text["grade"], "left")):  # fmt: skip
        table.add_column(label, justify=justify)
    shown = changes if top is None else changes.head(top)
    for r in shown.itertuples(index=False):
        step = 0 if pd.isna(r.move) else int(r.move)
        move = (
            _line((f"↑{step}", "green"))
            if step > 0
            else _line((f"↓{-step}", "red"))
            if step < 0
            else "—"
        )
        old_rank = "" if pd.isna(r.rank_before) else str(r.rank_before)
        old_total = "" if pd.isna(r.total_before) else _fmt(r.total_before, precision)
        table.add_row(
            str(r.rank), r.district, old_rank, move, old_total, _fmt(r.total, precision), r.grade
        )
    console.print(table)
    if top is not None and len(changes) > top:
        console.print(text["more"].format(n=len(changes) - top), style="dim")


def _both(key: str, **params) -> str:
    """A usage message in Chinese and English, for option checks that run before --lang is read."""
    return f"{TEXT['zh'][key].format(**params)} ({TEXT['en'][key].format(**params)})"


def _spread(text: str) -> float:
    try:
        value = float(text.strip().rstrip("%")) / (100 if text.strip().endswith("%") else 1)
    except ValueError:
        value = math.nan
    if not 0 <= value < 1:  # nan and inf too
        raise click.BadParameter(_both("bad_spread", value=visible(text)))
    return value


def _seed(text: str) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        value = -1
    if value < 0:
        raise click.BadParameter(_both("bad_seed", value=visible(text)))
    return value


@main.command()
@_data_options
@click.option(
    "--draws",
    type=click.IntRange(1, 1_000_000),
    default=2000,
    show_default=True,
    help="抽样次数 / number of draws.",
)
@click.option("--spread", default="20%", show_default=True, callback=lambda ctx, param, value: _spread(value),
              help="分值上下浮动的幅度 / how far each weight may move.")  # fmt: skip
@click.option(
    "--seed",
    default="0",
    show_default=True,
    callback=lambda ctx, param, value: _seed(value),
    help="随机种子，相同种子结果相同 / random seed.",
)
@_format_option
@_top_option
@_output_option("写出含排名区间图的报告：.html 或 .md / write the report with rank-interval bars.")
@_level_option
@_lang_option
@click.pass_context
def sensitivity(
    ctx: click.Context,
    data: tuple[str, ...],
    rules: str | None,
    month: int | None,
    draws: int,
    spread: float,
    seed: int,
    fmt: str,
    top: int | None,
    outputs: tuple[str, ...],
    lang: str,
) -> None:
    """分值浮动时名次和等次有多稳：各地区的中位排名、5%–95% 排名区间、保持等次的比例。

    How firm is each rank when the weights move? Monte Carlo over the weights (total kept):
    for each district the nominal and median rank, the 5th–95th percentile range, and the share
    of draws in which it keeps its grade. The same --seed gives the same result.
    """
    _check_outputs(outputs, data, lang, (".html", ".htm", ".md"), rules)
    result = _run(ctx, data, rules, month, lang)
    from .render import dumps
    from .sensitivity import sensitivity as simulate

    if result.ranking is None:
        _print_issues(result.issues, lang)
        click.echo(TEXT[lang]["no_ranking"].format(n=_errors(result.issues)), err=True)
        ctx.exit(EXIT_PROBLEMS)
    found = simulate(result.ranking.assessment, draws, spread, seed, result.data)
    text = TEXT[lang]
    click.echo(visible(f"{text['varied']}: {found.varied[lang]}"), err=True)
    click.echo(visible(f"{text['held']}: {found.held[lang]}"), err=True)
    _write_reports(result, outputs, lang, found)
    if fmt == "json":
        rows = [
            {"district": r.district, "rank": int(r.rank), "median_rank": float(r.median_rank), "rank_p5": int(r.rank_p5),
             "rank_p95": int(r.rank_p95), "grade": r.grade, "grade_kept": float(r.grade_kept)}
            for r in found.table.itertuples(index=False)
        ]  # fmt: skip
        if found.award:
            for row, r in zip(rows, found.table.itertuples(index=False)):
                row.update(award=bool(r.award), award_share=float(r.award_share))
        body = {
            "draws": draws,
            "spread": spread,
            "seed": seed,
            "varied": found.varied[lang],
            "held": found.held[lang],
            "districts": rows,
        }
        click.echo(dumps(body), nl=False)
        return
    from rich.table import Table

    table = Table(header_style="bold", show_edge=False, pad_edge=False)
    for label, justify in ((text["rank"], "right"), (text["district"], "left"), (text["median_rank"], "right"),
                           (text["rank_range"], "right"), (text["grade"], "left"), (text["grade_kept"], "right")):  # fmt: skip
        table.add_column(label, justify=justify)
    if found.award:
        table.add_column(text["award_share"].format(award=found.award), justify="right")
    shown = found.table if top is None else found.table.head(top)
    for r in shown.itertuples(index=False):
        cells = [str(r.rank), r.district, f"{r.median_rank:g}", f"{r.rank_p5}–{r.rank_p95}",
                 r.grade, f"{r.grade_kept:.0%}"]  # fmt: skip
        if found.award:
            cells.append(f"{'★ ' if r.award else ''}{r.award_share:.0%}")
        table.add_row(*cells)
    _console().print(table)
    if found.award:
        _console().print(text["award_share_note"].format(award=found.award), style="dim")


def _period(ctx: click.Context, path: str, rules: str | None, lang: str):
    """One period's assessment; stops with the problems if its data cannot be scored."""
    result = _run(ctx, (path,), rules, None, lang)
    if result.ranking is None:
        _print_issues(result.issues, lang)
        click.echo(TEXT[lang]["no_ranking"].format(n=_errors(result.issues)), err=True)
        ctx.exit(EXIT_PROBLEMS)
    return result


def _same_scheme(a, b, earlier: str, later: str, lang: str) -> None:
    """Periods compare (and follow in a trend) only under one scheme: else a usage error
    naming what differs."""
    if a == b:
        return
    from .errors import UsageError

    text = TEXT[lang]
    parts = text["scheme_parts"]
    sep = "、" if lang == "zh" else ", "
    what = sep.join(parts.get(f, f) for f in type(a).model_fields if getattr(a, f) != getattr(b, f))
    raise UsageError(
        text["schemes_differ"].format(
            a=_period_label(earlier, lang),
            b=_period_label(later, lang),
            name_a=a.name,
            name_b=b.name,
            what=what,
        )
    )


def _period_label(path: str, lang: str) -> str:
    from .periods import month_in_name

    month = month_in_name([path])
    return (f"{month}月" if lang == "zh" else f"M{month}") if month else Path(path).stem


@main.command()
@click.argument("earlier")
@click.argument("later")
@click.option(
    "--rules", "-r", "rules", metavar="FILE", help="考核方案（YAML）；缺省时自动选择 / rule file."
)
@_format_option
@_level_option
@_lang_option
@click.pass_context
def compare(
    ctx: click.Context, earlier: str, later: str, rules: str | None, fmt: str, lang: str
) -> None:
    """两期考核比较：名次与总分变化、本期新落后于序时进度的项目、按地区通报落后项目。

    Compare two periods (一月一考核): rank and total changes, projects that fell behind the time
    schedule (序时进度) since the earlier period, and the lagging projects to notify by district.
    """
    import pandas as pd

    from .periods import behind_schedule, newly_behind, rank_changes
    from .render import dumps

    text = TEXT[lang]
    before, after = _period(ctx, earlier, rules, lang), _period(ctx, later, rules, lang)
    _same_scheme(before.scheme, after.scheme, earlier, later, lang)
    changes = rank_changes(before.ranking, after.ranking)
    behind_now = behind_schedule(after.ranking.assessment)
    fell = newly_behind(behind_schedule(before.ranking.assessment), behind_now)
    if fmt == "json":

        def lag(frame):
            return [
                {
                    "district": r.district,
                    "project": r.project,
                    "indicator": r.indicator,
                    "done": r.done,
                    "expected": r.expected,
                }
                for r in frame.itertuples(index=False)
            ]

        districts = [
            {"district": r.district, "rank": int(r.rank), "rank_before": None if pd.isna(r.rank_before) else int(r.rank_before),
             "move": None if pd.isna(r.move) else int(r.move), "total": float(r.total),
             "total_before": None if pd.isna(r.total_before) else float(r.total_before), "grade": r.grade}
            for r in changes.itertuples(index=False)
        ]  # fmt: skip
        click.echo(
            dumps(
                {
                    "earlier": earlier,
                    "later": later,
                    "districts": districts,
                    "fell_behind": lag(fell),
                    "behind": lag(behind_now),
                }
            ),
            nl=False,
        )
        return
    scheme = after.scheme
    console = _console()
    title = text["compare_title"].format(
        name=scheme.name, a=_period_label(earlier, lang), b=_period_label(later, lang)
    )
    _print_rank_changes(changes, scheme.precision, title, lang)
    console.print()
    console.print(text["fell_behind"], style="bold")
    for r in fell.itertuples(index=False) if len(fell) else []:
        console.print(
            text["lag_line"].format(
                district=r.district, project=r.project, done=r.done, expected=r.expected
            )
        )
    if not len(fell):
        console.print(text["nothing"])
    console.print()
    console.print(text["notice"], style="bold")
    for district, group in behind_now.groupby("district", sort=False):
        items = "、".join(
            text["lag_item"].format(project=r.project, done=r.done, expected=r.expected)
            for r in group.itertuples(index=False)
        )
        console.print(f"{district}（{len(group)}）：{items}")
    if not len(behind_now):
        console.print(text["nothing"])


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--rules", "-r", "rules", metavar="FILE", help="考核方案（YAML）；缺省时自动选择 / rule file."
)
@_format_option
@_output_option("写出走势报告：.html（含走势图）或 .json / write the trend report.")
@_level_option
@_lang_option
@click.pass_context
def trend(
    ctx: click.Context,
    files: tuple[str, ...],
    rules: str | None,
    fmt: str,
    outputs: tuple[str, ...],
    lang: str,
) -> None:
    """各期走势：每个地区各期的总分与名次，及总分走势图（按文件名中的月份排序）。

    Each district's total and rank across periods, with a sparkline of its totals; periods are
    ordered by the month in the file names.
    """
    import glob as globbing

    from .periods import month_in_name
    from .periods import trend as follow
    from .render import dumps

    text = TEXT[lang]
    _check_outputs(outputs, files, lang, (".html", ".htm", ".json"), rules)
    paths = [p for given in files for p in (sorted(globbing.glob(given)) or [given])]
    paths.sort(key=lambda p: (month_in_name([p]) or 0, p))
    periods = [(p, _period(ctx, p, rules, lang)) for p in paths]
    for path, period in periods[1:]:
        _same_scheme(periods[0][1].scheme, period.scheme, periods[0][0], path, lang)
    found = follow([_period_label(p, lang) for p, _ in periods], [r.ranking for _, r in periods])
    scheme = periods[-1][1].scheme
    body = {"periods": found.periods, "files": paths,
            "districts": [{"district": d, "totals": found.totals[d], "ranks": found.ranks[d]}
                          for d in found.districts]}  # fmt: skip
    from .render.report import render_trend

    read = [f for _, r in periods for f in r.data.files]
    for output in outputs:
        with _names_in_report(output, read, lang):
            data = (
                dumps(body)
                if output.lower().endswith(".json")
                else render_trend(found, scheme, read, lang)
            ).encode("utf-8")
        _write_output(output, data, lang)
        click.echo(TEXT[lang]["report_written"].format(path=_said(output)), err=True)
    if fmt == "json":
        click.echo(dumps(body), nl=False)
        return
    from rich.table import Table

    every = [v for d in found.districts for v in found.totals[d] if v == v]
    low, high = (min(every), max(every)) if every else (0.0, 1.0)
    table = Table(header_style="bold", show_edge=False, pad_edge=False)
    table.add_column(text["district"])
    for label in found.periods:
        table.add_column(label, justify="right")
    table.add_column(text["trend"])
    for district in found.districts:
        totals, ranks = found.totals[district], found.ranks[district]
        cells = [
            ("" if r is None else f"{_fmt(t, scheme.precision)} ({r})")
            for t, r in zip(totals, ranks)
        ]
        table.add_row(district, *cells, sparkline(totals, low, high))
    _console().print(text["trend_title"].format(name=scheme.name), style="bold")
    _console().print(table)


def _errors(issues) -> int:
    return sum(1 for i in issues if i.severity == "error")


def _shown(path: Path) -> str:
    """A path as short as it can be said: relative to the current folder where it is inside."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _fmt(value: float, precision: int) -> str:
    return f"{value:,.{precision}f}"


def _print_ranking(ranking, lang: str, top: int | None, city: str | None = None) -> None:
    from rich.table import Table

    text = TEXT[lang]
    scheme = ranking.assessment.scheme
    grades = list(scheme.grades)
    console = _console()
    console.print(text["title"].format(name=scheme.name, total=_fmt(scheme.total, 0)), style="bold")
    table = Table(header_style="bold", show_edge=False, pad_edge=False)
    table.add_column(text["rank"], justify="right")
    table.add_column(scheme.columns["district"].label if lang == "zh" else text["district"])
    table.add_column(text["total"], justify="right")
    table.add_column(text["grade"])
    grouped = "city" in ranking.table
    if grouped:
        table.add_column(scheme.columns["city"].label if lang == "zh" else text["city"])
        table.add_column(text["city_rank"], justify="right")
    has_survey = ranking.table["survey_rank"].notna().any()
    if has_survey:
        table.add_column(text["survey_rank"], justify="right")
    shown = ranking.table
    if city is not None:
        shown = shown[shown["city"] == city]
    shown = shown if top is None else shown.head(top)
    for row in shown.itertuples(index=False):
        style = GRADE_STYLE.get(grades.index(row.grade), "red") if row.grade in grades else ""
        cells = [
            str(row.rank),
            row.district,
            _fmt(row.total, scheme.precision),
            _line((row.grade, style)),
        ]
        if grouped:
            cells += [row.city, str(row.city_rank)]
        if has_survey:
            cells.append(
                ""
                if row.survey_rank is None or str(row.survey_rank) == "<NA>"
                else str(row.survey_rank)
            )
        table.add_row(*cells)
    console.print(table)
    wanted = len(ranking.table) if city is None else int((ranking.table["city"] == city).sum())
    if top is not None and wanted > top:
        console.print(text["more"].format(n=wanted - top), style="dim")
    suspended = ranking.assessment.suspended
    rescaled = [d for d in shown["district"] if suspended.loc[d].any()]
    if rescaled:
        console.print(text["suspended_note"].format(names="、".join(rescaled)), style="dim")
    _print_awards(ranking, lang, city)


def _print_awards(ranking, lang: str, city: str | None = None) -> None:
    """Each award's winners per city, with the rule and any tie on a quota line; then the ties
    strict ranks settled with the tie-break chain."""
    text = TEXT[lang]
    console = _console()
    sep = "、" if lang == "zh" else ", "
    for award in ranking.awards:
        if award.skipped:
            console.print(
                f"{award.name}{'：' if lang == 'zh' else ': '}{award.skipped[lang]}",
                style="dim",
                soft_wrap=True,
            )
            continue
        quota = sum(g.quota for g in award.groups)
        console.print(
            text["award_title"].format(name=award.name, n=len(award.winners), quota=quota),
            style="bold",
        )
        console.print(award.rule[lang], style="dim", soft_wrap=True)
        for group in award.groups:
            if city is not None and group.group != city:
                continue
            names = sep.join(group.winners) or text["award_none"].format(eligible=group.eligible)
            label = text["award_group"].format(city=group.group, quota=group.quota)
            console.print(f"  {label}{names}", soft_wrap=True)
            if group.note:
                console.print(f"    {group.note[lang]}", style="yellow", soft_wrap=True)
    if ranking.ties:
        chain = sep.join(name for name, _ in ranking.chain) or "—"
        console.print(text["ties_title"].format(chain=chain), style="bold")
        precision = ranking.assessment.scheme.precision
        for tie in ranking.ties:
            if city is not None and tie.where not in ("", city):
                continue
            order = sep.join(f"{d}（{r}）" for d, r in zip(tie.districts, tie.ranks))
            where = f"{tie.where}: " if tie.where else ""
            console.print(f"  {where}{_fmt(tie.total, precision)} → {order}", soft_wrap=True)


def _cell_order(cell: str | None) -> tuple[int, int]:
    """Sort cells as they stand in the sheet: by row, then by column."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", cell or "")
    if not match:
        return (1 << 30, 0)  # problems of a whole sheet or district come after the cells
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return (int(match.group(2)), column)


def _print_issues(issues, lang: str) -> None:
    """Problems grouped by file › sheet, each with its cell, what is wrong and what to do."""
    from rich.table import Table

    text = TEXT[lang]
    console = _console(stderr=True)
    styles = {"error": "red", "warning": "yellow", "info": "dim"}
    groups: dict[tuple[str, str], list] = {}
    for issue in issues:
        groups.setdefault((issue.file or "", issue.sheet or ""), []).append(issue)
    console.print(text["problems"], style="bold")
    for (file, sheet), members in groups.items():
        heading = " › ".join(p for p in (_shown(Path(file)) if file else "", sheet) if p)
        table = Table(
            title=heading or None,
            title_justify="left",
            header_style="bold",
            show_edge=False,
            pad_edge=False,
        )
        table.add_column(text["cell"], no_wrap=True)
        table.add_column(text["value"], overflow="fold", max_width=12)
        table.add_column(text["what"], overflow="fold", ratio=3)
        table.add_column(text["todo"], overflow="fold", ratio=2)
        for issue in sorted(members, key=lambda i: _cell_order(i.cell)):
            style = styles.get(issue.severity, "")
            table.add_row(
                issue.cell or "—",
                _value(issue.value),
                _line((issue.message(lang), style)),
                issue.hint(lang),
            )
        console.print(table)


def _value(value) -> str:
    """A cell's value as found, for the problem table."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# ----------------------------------------------------------------------------- rules


@main.group()
def rules() -> None:
    """考核方案：检查、查看、导出 JSON Schema / work with rule files."""


@rules.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_lang_option
@click.pass_context
def rules_check(ctx: click.Context, files: tuple[str, ...], lang: str) -> None:
    """检查考核方案，逐条列出问题及所在行 / list every problem of each rule file with its line."""
    from .scheme import check_scheme_file

    text = TEXT[lang]
    failed = False
    for file in files:
        scheme, issues = check_scheme_file(file)
        if scheme is not None:
            ok = text["check_ok"].format(
                file=file, n=len(scheme.projects), total=_fmt(scheme.total, 0)
            )
            click.echo(click.style("✓ ", fg="green") + ok)
            continue
        failed = True
        click.echo(click.style("✗ ", fg="red") + text["check_bad"].format(file=file, n=len(issues)))
        for issue in issues:
            where = f"{file}:{issue.line}" if issue.line else file
            click.echo(
                f"{visible(where)}: {click.style(visible(issue.message(lang)), fg='red')}"
                f" — {visible(issue.hint(lang))}"
            )
    if failed:
        ctx.exit(EXIT_PROBLEMS)


def _echo_scheme_issues(file: str, issues, lang: str, err: bool = False) -> None:
    """A rule file's problems as plain ``file:line: message — what to do`` lines, as compilers
    print them, so editors can jump to each line and long paths are never wrapped."""
    click.echo(
        click.style("✗ ", fg="red") + TEXT[lang]["check_bad"].format(file=file, n=len(issues)),
        err=err,
    )
    for issue in issues:
        where = f"{file}:{issue.line}" if issue.line else file
        click.echo(
            f"{visible(where)}: {click.style(visible(issue.message(lang)), fg='red')}"
            f" — {visible(issue.hint(lang))}",
            err=err,
        )


@rules.command("show")
@click.argument("file", required=False)
@_lang_option
def rules_show(file: str | None, lang: str) -> None:
    """打印方案的项目分值表 / print the weight table. FILE may name a bundled scheme."""
    from rich.table import Table

    from .scheme import choose_scheme, load_scheme, rules_summary

    path, _ = choose_scheme([], file) if file else (None, None)
    if path is None:
        from .scheme import known_schemes

        for known in known_schemes():
            click.echo(str(known))
        return
    scheme = load_scheme(path)
    text = TEXT[lang]
    console = _console()
    console.print(f"{scheme.name}（{_shown(path)}）", style="bold")
    table = Table(header_style="bold", show_edge=False)
    table.add_column("#", justify="right")
    table.add_column(text["project"], overflow="fold")
    table.add_column(text["weight"], justify="right")
    table.add_column(text["indicators"], overflow="fold")
    used: dict[str, str] = {}
    for number, project in enumerate(scheme.projects, 1):
        template = scheme.template_name(project)
        if template is not None and project.indicators is None:
            used[template] = rules_summary(scheme.templates[template])
            method = f"{text['template']}“{template}”"
        else:
            method = rules_summary(scheme.rules_of(project))
        name = project.name + (f" ({'、'.join(project.aliases)})" if project.aliases else "")
        table.add_row(str(number), name, _fmt(project.weight, 0), method)
    weight_sum = sum(p.weight for p in scheme.projects)
    table.add_section()
    table.add_row("", text["sum"], _fmt(weight_sum, 0), "")
    console.print(table)
    bands = "  ".join(
        f"{g} ≥ {_fmt(f * scheme.total, scheme.precision)}" for g, f in scheme.grades.items()
    )
    console.print(f"{text['grades']}: {bands}")
    for template, summary in used.items():
        console.print(f"{text['template']}“{template}”: {summary}")


@rules.command("schema")
def rules_schema() -> None:
    """打印考核方案的 JSON Schema，供编辑器自动补全 / print the rule files' JSON Schema."""
    import json

    from .scheme import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
