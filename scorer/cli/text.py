"""Every sentence the command line prints, in Chinese and English: one dict, keyed by language."""

from __future__ import annotations

from typing import Any

# One dict on purpose: a later step turns it into a message catalog per language.
TEXT: dict[str, dict[str, Any]] = {
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
        "month_needed": (
            "考核方案“{name}”按序时进度计分，需要考核月份，但数据文件名中没有月份。请用 --month 指定（如 --month 6），或在文件名中写明月份（如 "
            "2015-06.xlsx、1-9月.xlsx、第三季度.xlsx）"
        ),
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
        "sheet_name_taken": (
            "“{name}”与“{other}”在填报表中的表名相同（“{sheet}”；Excel 表名最多 31 个字符、不分大小写、不能含 [ ] : * ? / \\）。"
            "请把名称写短或写得不同，或用 --layout long"
        ),
        "schemes_differ": (
            "两期的考核方案不同，名次不能比较：{a}按“{name_a}”，{b}按“{name_b}”；不同之处：{what}。请用 --rules 指定同一个方案"
        ),
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
        # --- i17 command line: help, and click's own messages in Chinese
        "help_main": (
            "民生工程考核：按考核方案给各地区计分、排名，并写出考核报告。\n\n"
            "每条命令的用法见 scorer 命令 --help（如 scorer assess --help）。"
            "加 --lang en 显示英文。"
        ),
        "help_short_assess": "计分并排名，打印排名表，可写出考核报告",
        "help_assess": (
            "按考核方案对数据（xlsx、xls、ods、csv 文件，文件夹或通配符）计分并排名。\n\n"
            "不用 --rules 时依次选用：填报表中记录的方案、./rules/ 中唯一的方案、"
            "与数据文件名中年份相同的内置方案。数据有错误时列出全部问题及所在单元格，"
            "不排名（退出码 1）。"
        ),
        "help_short_check": "只检查填报数据，列出全部问题（不排名）",
        "help_check": (
            "检查数据，逐条列出问题及所在的文件、工作表和单元格，不排名。"
            "数据可以计分时退出码为 0，否则为 1。"
        ),
        "help_short_template": "生成发给各地区填写的填报表（xlsx）",
        "help_template": (
            "按考核方案生成填报表：方案的各列（中文列名和单位）、每个项目一行、"
            "数值单元格的校验、“状态”下拉选项、冻结的表头和“填报说明”表。"
            "填好的表不需其他设置，即可用 scorer check 检查。"
        ),
        "help_short_explain": "逐项说明一个地区的每一分",
        "help_explain": (
            "说明一个地区的每一分：每个项目所用的单元格、计分规则、得分与失分、扣分、"
            "暂缓实施项目的折算，以及合计到总分的过程。"
        ),
        "help_short_whatif": "改了分值或方案，名次会怎样变（不改方案文件）",
        "help_whatif": (
            "如果分值、计分参数或整个方案不同，排名会怎样？打印名次变化表：新排名、原排名、"
            "变化、原总分和新总分。方案文件不会被修改。"
        ),
        "help_short_sensitivity": "分值浮动时名次和等次有多稳",
        "help_sensitivity": (
            "让各项目分值在一定幅度内随机浮动（总分不变），反复计分，给出每个地区的排名、"
            "中位排名、5%–95% 排名区间和保持等次的比例。种子相同，结果相同。"
        ),
        "help_short_compare": "比较两期：名次变化、新落后于序时进度的项目",
        "help_compare": (
            "比较两期考核（如一月一考核）：名次和总分的变化、本期新落后于序时进度的项目，"
            "以及按地区列出的落后项目（供通报）。"
        ),
        "help_short_trend": "各期走势：每个地区各期的总分和名次",
        "help_trend": ("列出每个地区各期的总分与名次，并画出总分走势；各期按文件名中的月份排序。"),
        "help_short_rules": "考核方案：检查、查看分值表、导出 JSON Schema",
        "help_rules": (
            "考核方案文件：检查（check）、查看分值表（show）、导出 JSON Schema（schema）。"
        ),
        "help_short_rules_check": "检查考核方案，逐条列出问题及所在行",
        "help_rules_check": "检查考核方案文件，逐条列出问题及所在行；有问题时退出码为 1。",
        "help_short_rules_show": "打印方案的项目分值表",
        "help_rules_show": (
            "打印方案的项目、分值和计分方法。方案可以是文件，也可以是内置方案的名称；"
            "不给时列出内置方案。"
        ),
        "help_short_rules_schema": "打印考核方案的 JSON Schema，供编辑器自动补全",
        "help_rules_schema": (
            "打印考核方案文件的 JSON Schema，供编辑器自动补全和检查"
            "（scorer rules schema > scheme.schema.json）。"
        ),
        "help_opt_help": "显示本帮助并退出。",
        "help_opt_version": "显示版本号并退出。",
        "help_opt_debug": "出错时显示 Python 回溯（供维护者排查）。",
        "help_opt_lang": "输出语言：zh 中文（缺省）或 en 英文；也可用环境变量 SCORER_LANG 设定。",
        "help_opt_rules": "考核方案：YAML 文件或内置方案名（如 anhui-2010）；不给时自动选择。",
        "help_opt_rules_template": "考核方案：YAML 文件或内置方案名（如 anhui-2010）。",
        "help_opt_rules_b": "与另一个完整的方案比较：YAML 文件或内置方案名。",
        "help_opt_month": "考核月份，用于序时进度；不给时取自数据文件名。",
        "help_opt_format": "输出格式：table 为表格，json 供其他程序读取。",
        "help_opt_top": "只显示前 N 名。",
        "help_opt_output_assess": "写出报告：.html、.md、.xlsx 或 .json，可多次使用。",
        "help_opt_output_sensitivity": "写出含排名区间图的报告：.html 或 .md。",
        "help_opt_output_trend": "写出走势报告：.html（含走势图）或 .json。",
        "help_opt_output_template": "要写出的填报表（.xlsx 文件）。",
        "help_opt_city": "只显示该市的县（市、区）。",
        "help_opt_level": "city：把各县的数量和资金按所属市相加，按市计分排名。",
        "help_opt_set": "改分值（项目=分值）或参数（项目.指标.参数=值），可多次使用。",
        "help_opt_keep_total": "按比例缩放各项目分值，使总分不变。",
        "help_opt_draws": "抽样次数。",
        "help_opt_spread": "各项目分值上下浮动的幅度，如 20%。",
        "help_opt_seed": "随机种子；种子相同，结果相同。",
        "help_opt_districts": "地区名单，用逗号或顿号分隔。",
        "help_opt_layout": "long：一张表，含地区列；sheets：每个地区一张表。",
        "help_default": "默认为 {default}。",
        "help_required": "必须给出。",
        "help_notes": "{notes}",
        "help_notes_sep": "",
        "help_range": "取值为 {low}～{high}。",
        "help_range_from": "取值不小于 {low}。",
        "help_range_above": "取值大于 {low}。",
        "help_range_to": "取值不大于 {high}。",
        "help_range_below": "取值小于 {high}。",
        "metavar_options": "[选项]",
        "metavar_subcommand": "命令 [参数]…",
        "metavar_data": "数据…",
        "metavar_explain": "数据… 地区",
        "metavar_earlier": "前一期",
        "metavar_later": "后一期",
        "metavar_periods": "各期数据…",
        "metavar_rule_files": "方案文件…",
        "metavar_rule": "[方案]",
        "metavar_scheme": "方案",
        "metavar_month": "月份",
        "metavar_n": "N",
        "metavar_file": "文件",
        "metavar_city": "市",
        "metavar_set": "项目=分值",
        "metavar_districts": "地区名单",
        "metavar_share": "幅度",
        "metavar_seed": "种子",
        "version": "scorer 版本 {version}",
        "click_missing_option": "缺少选项“{name}”。",
        "click_missing_argument": "缺少参数“{name}”。",
        "lag_district": "{district}（{n}）：{items}",
        "lag_sep": "、",
        # click's own messages, keyed by click's English (its gettext msgids); language.py
        # reshapes the values click fills in ('--month' → “--month”, 1<=x<=12 → 1 至 12)
        "click": {
            "Usage:": "用法：",
            "Options": "选项",
            "Commands": "命令",
            "Positional arguments": "参数",
            "Error: {message}": "错误：{message}",
            "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
            "Aborted!": "已中止。",
            "Missing command.": "缺少命令。",
            "Got unexpected extra argument ({args})": "多余的参数：{args}。",
            "Got unexpected extra arguments ({args})": "多余的参数：{args}。",
            "No such command {name!r}.": "没有“{name}”这个命令。",
            "No such option {name!r}.": "没有“{name}”这个选项。",
            "Did you mean {possibility}?": "是否应为{possibility}？",
            "(Did you mean one of: {possibilities}?)": "是否应为{possibilities}之一？",
            "Missing argument": "缺少参数",
            "Missing option": "缺少选项",
            "Missing parameter": "缺少参数",
            "Missing {param_type}": "缺少{param_type}",
            "Missing parameter: {param_name}": "缺少参数：{param_name}",
            "Invalid value for {param_hint}: {message}": "{param_hint}的值有误：{message}",
            "Invalid value: {message}": "值有误：{message}",
            "{value!r} is not {choice}.": "“{value}”不是可选的值，只能是{choice}。",
            "{value!r} is not one of {choices}.": "“{value}”不是可选的值，应为{choices}之一。",
            "{value} is not in the range {range}.": "{value} 超出了允许的范围（{range}）。",
            "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
            "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
            "{name} {filename!r} is a file.": "“{filename}”是文件，这里应为{name}。",
            "{name} {filename!r} is a directory.": "“{filename}”是文件夹，这里应为{name}。",
            "{name} {filename!r} is not readable.": "没有读取{name}“{filename}”的权限。",
            "{name} {filename!r} is not writable.": "没有写入{name}“{filename}”的权限。",
            "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
            "Option {name!r} does not take a value.": "选项“{name}”后面不能带值。",
            "Option {name!r} requires an argument.": "选项“{name}”后面需要一个值。",
            "Option {name!r} requires {nargs} arguments.": "选项“{name}”后面需要 {nargs} 个值。",
            "Argument {name!r} takes {nargs} values.": "参数“{name}”需要 {nargs} 个值。",
            "Choose from:\n\t{choices}": "可选：{choices}",
            "default: {default}": "默认：{default}",
            "unknown error": "未知错误",
            "Show this message and exit.": "显示本帮助并退出。",
            "Show the version and exit.": "显示版本号并退出。",
        },
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
        "no_ranking": (
            "The data have {n} error(s); no ranking. Fix them as listed and run scorer assess "
            "again."
        ),
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
        "month_from_name": (
            "assessment month: {month} (from the data file's name; set it with --month)"
        ),
        "month_from_option": "assessment month: {month} (--month)",
        "month_from_scheme": (
            "assessment month: {month} (the scheme's schedule.month; set it with --month)"
        ),
        "month_needed": (
            "the scheme “{name}” scores progress against the time schedule and needs an assessment "
            "month, but the data file names give none. Give it with --month (e.g. --month 6) or in "
            "the file name (e.g. 2015-06.xlsx)"
        ),
        "month_several": (
            "the scheme “{name}” needs one assessment month, but the data file names give several "
            "({found}). Score them separately, or give --month"
        ),
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
        "award_share_note": (
            "Honoured: share of draws in which it wins “{award}”; ★ won it as scored."
        ),
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
        "check_data_ok": (
            "ready to score: {districts} districts, {rows} rows; {warnings} warning(s)"
        ),
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
        "sheet_name_taken": (
            "“{name}” and “{other}” make the same sheet name in the template (“{sheet}”; Excel "
            "allows 31 characters, ignores case and forbids [ ] : * ? / \\). Make the names "
            "shorter or different, or use --layout long"
        ),
        "schemes_differ": (
            "the two periods were scored under different schemes, so their ranks do not compare: "
            "{a} under “{name_a}”, {b} under “{name_b}”; they differ in: {what}. Give the same "
            "scheme with --rules"
        ),
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
        # --- i17 command line: help, and click's own messages in Chinese
        "help_main": (
            "Score and rank the districts on their livelihood projects, and write the "
            "assessment reports.\n\n"
            "Each command's help: scorer COMMAND --help (such as scorer assess --help). "
            "Chinese is the default; --lang en gives English."
        ),
        "help_short_assess": "Score and rank, print the ranking, write reports",
        "help_assess": (
            "Score and rank the districts in DATA (xlsx, xls, ods or csv files, folders or glob "
            "patterns) under a scheme.\n\n"
            "Without --rules the scheme is the one recorded in a template workbook, else the "
            "only one in ./rules/, else the bundled one whose year is in the data file's name. "
            "When the data have errors every problem is listed with its cell and no ranking is "
            "made (exit status 1)."
        ),
        "help_short_check": "Check the returns and list every problem (no ranking)",
        "help_check": (
            "Check DATA without ranking: every problem with its file, sheet and cell. Exit "
            "status 0 when the data can be scored, 1 otherwise."
        ),
        "help_short_template": "Write the workbook the districts fill in (xlsx)",
        "help_template": (
            "Write the intake workbook: the scheme's columns with their labels and units, a row "
            "per project, checks on the number cells, a drop-down for the status, a frozen "
            "header and an instructions sheet. A filled-in template passes scorer check with no "
            "further setup."
        ),
        "help_short_explain": "Account for every point of one district",
        "help_explain": (
            "Account for every point of DISTRICT: for each project the input cells, the rule "
            "applied in words, the points earned and lost, deductions, the rescaling for "
            "suspended projects, and the sum to the total."
        ),
        "help_short_whatif": "The rank changes under other weights or another scheme",
        "help_whatif": (
            "What if the weights (or a method parameter, or the whole scheme) were different? "
            "Prints the rank-change table: new rank, old rank, change, old and new totals. The "
            "rule file is not modified."
        ),
        "help_short_sensitivity": "How firm each rank and grade is when the weights move",
        "help_sensitivity": (
            "How firm is each rank when the weights move? Draws the weights many times (the "
            "total kept) and gives, for each district, its rank, median rank, 5th–95th "
            "percentile range and the share of draws in which it keeps its grade. The same "
            "--seed gives the same result."
        ),
        "help_short_compare": "Two periods: rank moves, projects newly behind schedule",
        "help_compare": (
            "Compare two periods (monthly assessment): rank and total changes, projects that "
            "fell behind the time schedule since the earlier period, and the lagging projects "
            "to notify, by district."
        ),
        "help_short_trend": "Each district's totals and ranks across periods",
        "help_trend": (
            "Each district's total and rank in every period, with a sparkline of its totals; "
            "periods are ordered by the month in the file names."
        ),
        "help_short_rules": "Rule files: check, show the weights, export the JSON Schema",
        "help_rules": (
            "Work with rule files: check them (check), print a weight table (show), export the "
            "JSON Schema (schema)."
        ),
        "help_short_rules_check": "List every problem of a rule file with its line",
        "help_rules_check": (
            "Check rule files and list every problem with its line; exit status 1 if any."
        ),
        "help_short_rules_show": "Print a scheme's weight table",
        "help_rules_show": (
            "Print a scheme's projects, weights and scoring methods. FILE may be a file or the "
            "name of a bundled scheme; without it the bundled schemes are listed."
        ),
        "help_short_rules_schema": "Print the rule files' JSON Schema, for editors",
        "help_rules_schema": (
            "Print the JSON Schema of rule files, for an editor's autocompletion and checks "
            "(scorer rules schema > scheme.schema.json)."
        ),
        "help_opt_help": "Show this message and exit.",
        "help_opt_version": "Show the version and exit.",
        "help_opt_debug": "Show a Python traceback on errors (for the maintainers).",
        "help_opt_lang": (
            "Output language: zh Chinese (the default) or en English; also set by the "
            "environment variable SCORER_LANG."
        ),
        "help_opt_rules": (
            "The scheme: a YAML file or a bundled scheme's name (such as anhui-2010); chosen "
            "automatically when not given."
        ),
        "help_opt_rules_template": (
            "The scheme: a YAML file or a bundled scheme's name (such as anhui-2010)."
        ),
        "help_opt_rules_b": "Compare with another whole scheme: a YAML file or a bundled name.",
        "help_opt_month": (
            "The assessment month, for progress against the time schedule; taken from the data "
            "file's name when not given."
        ),
        "help_opt_format": "Output format: table, or json for other programs.",
        "help_opt_top": "Show the first N only.",
        "help_opt_output_assess": (
            "Write a report: .html, .md, .xlsx or .json; may be given several times."
        ),
        "help_opt_output_sensitivity": "Write the report with rank-interval bars: .html or .md.",
        "help_opt_output_trend": "Write the trend report: .html (with a chart) or .json.",
        "help_opt_output_template": "The workbook to write (an .xlsx file).",
        "help_opt_city": "Show one city's counties only.",
        "help_opt_level": (
            "city: roll the counties' quantities and money up to their cities and rank the cities."
        ),
        "help_opt_set": (
            "Change a weight (PROJECT=POINTS) or a parameter (PROJECT.INDICATOR.PARAMETER="
            "VALUE); may be given several times."
        ),
        "help_opt_keep_total": "Rescale the weights so that the total stays the same.",
        "help_opt_draws": "Number of draws.",
        "help_opt_spread": "How far each weight may move, such as 20%.",
        "help_opt_seed": "Random seed; the same seed gives the same result.",
        "help_opt_districts": "The districts, separated by commas.",
        "help_opt_layout": "long: one sheet with a district column; sheets: a sheet per district.",
        "help_default": "default: {default}",
        "help_required": "required",
        "help_notes": "  [{notes}]",
        "help_notes_sep": "; ",
        "help_range": "{low} to {high}",
        "help_range_from": "at least {low}",
        "help_range_above": "above {low}",
        "help_range_to": "at most {high}",
        "help_range_below": "below {high}",
        "metavar_options": "[OPTIONS]",
        "metavar_subcommand": "COMMAND [ARGS]...",
        "metavar_data": "DATA...",
        "metavar_explain": "DATA... DISTRICT",
        "metavar_earlier": "EARLIER",
        "metavar_later": "LATER",
        "metavar_periods": "FILE...",
        "metavar_rule_files": "FILE...",
        "metavar_rule": "[FILE]",
        "metavar_scheme": "FILE",
        "metavar_month": "MONTH",
        "metavar_n": "N",
        "metavar_file": "FILE",
        "metavar_city": "CITY",
        "metavar_set": "PROJECT=POINTS",
        "metavar_districts": "NAMES",
        "metavar_share": "SHARE",
        "metavar_seed": "SEED",
        "version": "scorer, version {version}",
        "click_missing_option": "Missing option '{name}'.",
        "click_missing_argument": "Missing argument '{name}'.",
        "lag_district": "{district} ({n}): {items}",
        "lag_sep": ", ",
        # English: click's own words, untranslated
        "click": {},
    },
}
