"""Problems in the user's files (Issue) and failures (ScorerError), kept apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# code -> (中文说明, 怎么办, English message, what to do).  Templates use str.format fields
# filled from Issue.params; every code an Issue can carry is listed here (a test checks).
MESSAGES: dict[str, tuple[str, str, str, str]] = {
    # --- scheme (rule file) problems
    "yaml-syntax": (
        "YAML 语法错误：{detail}",
        "检查该行的缩进、冒号和引号",
        "YAML syntax error: {detail}",
        "check indentation, colons and quotes on that line",
    ),
    "duplicate-key": (
        "键“{key}”重复出现",
        "删除或合并重复的键",
        "key “{key}” appears twice",
        "remove or merge the duplicate key",
    ),
    "schema": (
        "{field}：{detail}",
        "按 README 的考核方案说明修改",
        "{field}: {detail}",
        "fix it as the README's rule-file reference describes",
    ),
    "unknown-method": (
        "未知计分方法“{method}”",
        "可用的方法：{known}",
        "unknown scoring method “{method}”",
        "known methods: {known}",
    ),
    "weights-total": (
        "各项目分值合计 {sum} 分，与方案总分 {total} 分不符",
        "调整项目分值或 total，使二者相等",
        "project weights add up to {sum}, but the scheme total is {total}",
        "change the weights or the total so that they agree",
    ),
    "shares-total": (
        "项目“{project}”的指标权重合计 {sum}，应为 1",
        "调整各指标的 share，使合计为 1",
        "indicator shares of “{project}” add up to {sum}, not 1",
        "change the shares so that they add up to 1",
    ),
    "duplicate-name": (
        "名称“{name}”与“{other}”重复（规范化后均为“{key}”）",
        "每个项目名称和别名只能出现一次",
        "name “{name}” collides with “{other}” (both read as “{key}”)",
        "every project name and alias may appear only once",
    ),
    "bad-grades": (
        "等次表有误：{detail}",
        "等次按从高到低排列，比例在 0 与 1 之间依次递减，最后一档为 0",
        "bad grade table: {detail}",
        "list grades best first, with fractions between 0 and 1 decreasing to a last band of 0",
    ),
    "bad-formula": (
        "公式“{formula}”无法使用：{detail}",
        "公式只能包含列名、数字、+ - * / 和括号（汇总项可用 sum()）",
        "formula “{formula}” cannot be used: {detail}",
        "a formula may hold column names, numbers, + - * / and brackets (sum() in district items)",
    ),
    "unknown-template": (
        "项目“{project}”引用的计分模板“{template}”不存在",
        "可用的模板：{known}",
        "project “{project}” uses template “{template}”, which does not exist",
        "known templates: {known}",
    ),
    "no-indicators": (
        "项目“{project}”没有计分指标",
        "给项目写 indicators，或用 template 指定计分模板",
        "project “{project}” has no indicators",
        "give it indicators, or name a template",
    ),
    # --- limits on rule files (issue 11)
    "rule-file-too-large": (
        "考核方案文件有 {size}，超过上限 {limit}，不像是考核方案",
        "确认选对了文件；考核方案通常只有几十 KB",
        "the rule file is {size}, more than the limit of {limit}; it does not look like a scheme",
        "check that this is the right file; a scheme is usually a few dozen KB",
    ),
    "not-utf8": (
        "考核方案文件不是 UTF-8 编码（第 {line} 行起无法按 UTF-8 读取，可能是 GBK/ANSI）",
        "用记事本或 WPS 打开，选“另存为”，编码选 UTF-8 后保存，再运行",
        "the rule file is not UTF-8 encoded (line {line} cannot be read as UTF-8; GBK/ANSI?)",
        "open it in Notepad or WPS, choose Save As with the encoding UTF-8, and run again",
    ),
    "yaml-recursive-alias": (
        "别名“*{anchor}”引用了包含它自身的“&{anchor}”，形成无限循环",
        "删除这个别名，或把内容直接写出来",
        "alias “*{anchor}” refers to “&{anchor}”, which contains it: an endless loop",
        "remove the alias, or write the content out",
    ),
    "yaml-too-large": (
        "方案的值超过 {limit} 个（别名“*锚点”按展开后计），远超任何考核方案",
        "确认选对了文件；如用了别名，减少别名或把内容直接写出来",
        "the scheme holds more than {limit} values (aliases counted expanded), far beyond any scheme",
        "check that this is the right file; if it uses aliases, use fewer or write the content out",
    ),
    "yaml-too-deep": (
        "嵌套超过 {limit} 层",
        "检查括号和缩进；考核方案不需要这么多层",
        "nested more than {limit} levels deep",
        "check brackets and indentation; a scheme needs far fewer levels",
    ),
    # --- data problems
    "unreadable-file": (
        "无法读取文件：{detail}",
        "确认文件是 xlsx/xls/ods/csv 且未加密、未损坏",
        "cannot read the file: {detail}",
        "make sure it is an xlsx/xls/ods/csv file, not encrypted or damaged",
    ),
    "no-data-sheet": (
        "没有找到含“{project_label}”列的数据表",
        "表头应包含方案要求的列：{labels}",
        "no sheet with a “{project_label}” column was found",
        "the header must hold the scheme's columns: {labels}",
    ),
    "skipped-sheet": (
        "工作表没有可识别的表头，已跳过",
        "如需参与考核，请加上表头：{labels}",
        "the sheet has no header this scheme knows; it was skipped",
        "to include it, give it the header: {labels}",
    ),
    "missing-column": (
        "缺少“{label}”列",
        "在表头加上“{label}”列（也可用：{aliases}）",
        "the “{label}” column is missing",
        "add a “{label}” column (also accepted: {aliases})",
    ),
    "missing-value": (
        "“{label}”为空",
        "填写数值；确实为零请填 0",
        "“{label}” is blank",
        "enter the number; type 0 if it really is zero",
    ),
    "not-a-number": (
        "“{label}”应为数字，读到“{value}”",
        "改为纯数字，如 1234.5",
        "“{label}” must be a number, found “{value}”",
        "enter a plain number such as 1234.5",
    ),
    "excel-error": (
        "“{label}”是 Excel 错误值 {value}（公式出错）",
        "检查该单元格的公式，或直接填写数值",
        "“{label}” holds the Excel error {value} (a formula failed)",
        "fix the cell's formula, or type the number",
    ),
    "unit-converted": (
        "“{label}”按{given}填报，已换算为{wanted}（×{factor}）",
        "无需处理；如单位写错，请改正表头",
        "“{label}” is given in {given}; converted to {wanted} (×{factor})",
        "nothing to do; if the unit is wrong, correct the header",
    ),
    "unit-mismatch": (
        "“{label}”的单位写作“{given}”，方案要求“{wanted}”",
        "按{wanted}填报并改正表头",
        "“{label}” is in “{given}” but the scheme counts in “{wanted}”",
        "give it in {wanted} and correct the header",
    ),
    "review": (
        "{message}",
        "请核实数据；如无误可忽略",
        "{message_en}",
        "check the figures; if they are right, nothing to do",
    ),
    "identical-district": (
        "“{district}”的数据与“{other}”完全相同",
        "是否误用了别的地区的表？请核实",
        "the figures of “{district}” are identical to those of “{other}”",
        "was another district's sheet copied? please check",
    ),
    "negative-value": (
        "“{label}”为负数 {value}",
        "填写不小于 0 的数",
        "“{label}” is negative ({value})",
        "enter a number of 0 or more",
    ),
    "out-of-range": (
        "“{label}”为 {value}，超出 {low}–{high} 的范围",
        "填写 {low} 到 {high} 之间的数",
        "“{label}” is {value}, outside {low}–{high}",
        "enter a number from {low} to {high}",
    ),
    "zero-denominator": (
        "项目“{project}”未暂缓实施，但“{label}”为 0，无法计算比率",
        "填写实际数；项目确实不实施请在状态列填“暂缓实施”",
        "“{label}” of “{project}” is 0 though the project is not suspended; the rate is undefined",
        "enter the real number, or mark the project 暂缓实施 in the status column",
    ),
    "bad-status": (
        "状态“{value}”无法识别",
        "留空表示正常实施，或填写：{known}",
        "status “{value}” is not recognised",
        "leave it blank for a project carried out, or write one of: {known}",
    ),
    "missing-district": (
        "缺少地区名称",
        "填写地区名称",
        "the district name is blank",
        "enter the district's name",
    ),
    "missing-project-name": (
        "缺少项目名称",
        "填写项目名称",
        "the project name is blank",
        "enter the project's name",
    ),
    "unknown-project": (
        "未知项目“{value}”",
        "{suggestion}",
        "unknown project “{value}”",
        "{suggestion_en}",
    ),
    "ambiguous-project": (
        "项目名称“{value}”有歧义，可能是：{candidates}",
        "写出完整的项目名称",
        "project name “{value}” is ambiguous: it may be {candidates}",
        "write the project's full name",
    ),
    "duplicate-row": (
        "“{district}”的“{project}”重复填报，另见第 {other_row} 行",
        "删除重复的一行",
        "“{project}” of “{district}” appears twice; see also row {other_row}",
        "delete one of the two rows",
    ),
    "missing-city": (
        "“{district}”没有填所属市（其他地区已填）",
        "在“{label}”列填上该地区所属的市",
        "“{district}” has no city (others have one)",
        "fill in the “{label}” column for it",
    ),
    "city-conflict": (
        "“{district}”的所属市填了“{city}”，与第 {other_row} 行的“{other}”不一致",
        "一个地区只能属于一个市，改成一致",
        "“{district}” is under “{city}” here but under “{other}” on row {other_row}",
        "a district belongs to one city: make them agree",
    ),
    "quota-city-unknown": (
        "评奖“{award}”给“{city}”的名额在数据中没有对应的市",
        "检查方案 awards.quotas 中的市名是否与数据的所属市一致（如“阜阳市”）",
        "award “{award}” gives a quota to “{city}”, which is not a city in the data",
        "check the city names in awards.quotas against the data's cities",
    ),
    "award-count": (
        "评奖“{award}”各市名额合计 {sum} 个，方案写的是 {count} 个",
        "核对 awards 的 quota、quotas 与 count",
        "award “{award}”: the cities' quotas add up to {sum}, the scheme says {count}",
        "check quota, quotas and count of the award",
    ),
    "no-cities": (
        "按市汇总（--level city）需要各县的“{label}”，数据中没有",
        "在县级填报表中加“{label}”列并填上每个县所属的市",
        "rolling up to cities (--level city) needs each county's “{label}”; the data have none",
        "add a “{label}” column to the county returns, with each county's city",
    ),
    "missing-project": (
        "“{district}”缺少项目“{project}”",
        "补上该项目一行；不实施的项目请在状态列填“暂缓实施”",
        "“{district}” has no row for “{project}”",
        "add a row for it; mark a project not carried out as 暂缓实施",
    ),
    "project-matched": (
        "“{value}”按“{project}”计",
        "如不对，请写出完整的项目名称",
        "“{value}” was read as “{project}”",
        "if that is wrong, write the project's full name",
    ),
    "undefined-value": (
        "“{district}”的“{project}”指标“{indicator}”无法计算（除数为 0 或数值无效）",
        "检查该项目一行的数据",
        "indicator “{indicator}” of “{project}” for “{district}” cannot be computed (division by 0)",
        "check that project's row",
    ),
    "district-level-row": (
        "“{project}”按地区汇总计算，不需要单独填报，此行已忽略",
        "可删除此行",
        "“{project}” is computed over the district's projects; this row was ignored",
        "the row may be deleted",
    ),
    "total-row": (
        "合计行已跳过",
        "无需处理",
        "a total row was left out",
        "nothing to do",
    ),
    "all-suspended": (
        "“{district}”所有项目均暂缓实施，无法计分",
        "检查状态列",
        "every project of “{district}” is suspended; it cannot be scored",
        "check the status column",
    ),
    "undefined-district-item": (
        "“{district}”的“{project}”无法计算：{detail}",
        "检查该地区各项目的{labels}",
        "“{project}” of “{district}” cannot be computed: {detail}",
        "check {labels} over the district's projects",
    ),
    "survey-duplicate": (
        "社情民意中“{district}”重复出现",
        "删除重复的一行",
        "“{district}” appears twice in the survey",
        "delete one of the two rows",
    ),
    "survey-unknown-district": (
        "社情民意中的“{district}”不在考核数据中",
        "检查地区名称是否写错",
        "survey district “{district}” is not in the assessment data",
        "check the district's name",
    ),
    "no-districts": (
        "没有可考核的地区数据",
        "检查输入文件是否为各地区的填报表",
        "no district data to assess",
        "check that the files are the districts' returns",
    ),
    # --- limits on workbooks (issue 11)
    "not-a-workbook": (
        "文件扩展名为 {suffix}，但内容不是 {kind} 工作簿，看起来是{seems}",
        "用 Excel 或 WPS 打开该文件，另存为 .xlsx 后再运行；如扩展名写错，请改正扩展名",
        "the file is named {suffix} but is no {kind} workbook: it looks like {seems_en}",
        "open it in Excel or WPS and save it as .xlsx; if the extension is wrong, correct it",
    ),
    "workbook-too-large": (
        "文件中的 {member} 解压后有 {size}，超过上限 {limit}，未读取",
        "删除多余的工作表或数据，或把数据分成几个文件",
        "{member} in the file unpacks to {size}, over the limit of {limit}; it was not read",
        "delete unneeded sheets or data, or split the data over several files",
    ),
    "workbook-ratio": (
        "文件中的 {member} 压缩后 {packed}，解压后有 {size}（{ratio} 倍，上限 {limit} 倍），"
        "不像正常的工作簿（可能是“压缩炸弹”），未读取",
        "确认文件来源；用 Excel 或 WPS 打开后另存为 .xlsx 再运行",
        "{member} in the file packs {packed} into {size} ({ratio} to 1, the limit is {limit}): "
        "no ordinary workbook does (a zip bomb?); it was not read",
        "check where the file came from; open it in Excel or WPS and save it as .xlsx",
    ),
    "sheet-too-large": (
        "工作表的数据范围到 {columns} 列、{rows} 行（{cells} 个单元格），超过上限"
        "（{max_rows} 行、{max_columns} 列、{limit} 个单元格），未读取",
        "删除该单元格及数据以外的多余单元格（在 Excel 中按 Ctrl+End 可找到最后一个单元格），"
        "或把数据分到几个工作表",
        "the sheet's cells reach {columns} columns and {rows} rows ({cells} cells), over the "
        "limits ({max_rows} rows, {max_columns} columns, {limit} cells); it was not read",
        "delete that cell and any stray cells beyond the data (Ctrl+End in Excel finds the last "
        "one), or split the data over several sheets",
    ),
    "sheet-out-of-order": (
        "工作表的单元格次序错乱（文件已损坏），未读取",
        "用 Excel 或 WPS 打开后另存为 .xlsx 再运行",
        "the sheet's cells are out of order (the file is damaged); it was not read",
        "open it in Excel or WPS and save it as .xlsx",
    ),
    "header-not-found": (
        "工作表有数据，但前 {rows} 行中没有找到含方案列名的表头，整张表未参与考核",
        "把表头放在前 {rows} 行内，列名与方案一致：{labels}；此表如不是填报表，请移出该文件",
        "the sheet has data, but no header with the scheme's labels in its first {rows} rows; "
        "none of it was assessed",
        "put the header within the first {rows} rows, with the scheme's labels: {labels}; if the "
        "sheet is no return, move it out of the file",
    ),
    # --- no nonsense accepted in cells (issue 11)
    "logical-value": (
        "“{label}”应为数字，读到逻辑值 {value}",
        "填写数字；TRUE/FALSE、是/否不会当作 1 和 0",
        "“{label}” must be a number, found the logical value {value}",
        "enter a number; TRUE/FALSE and yes/no are not read as 1 and 0",
    ),
    "number-not-finite": (
        "“{label}”应为数字，读到“{value}”，超出可以计算的范围",
        "填写实际数值，如 1234.5",
        "“{label}” must be a number, found “{value}”, which is beyond any value that can be computed",
        "enter the actual figure, such as 1234.5",
    ),
    "invisible-characters": (
        "名称“{value}”含不可见字符，已忽略",
        "删除名称中看不见的字符（如零宽空格）；已按“{name}”读取",
        "the name “{value}” holds characters that show nothing; they were ignored",
        "delete the invisible characters (such as zero-width spaces); read as “{name}”",
    ),
    # --- Task C: YAML mistakes explained (a recognised mistake names what to write instead)
    "yaml-full-width-colon": (
        "用了全角冒号“：”（第 {column} 列）：{text}",
        "YAML 只识别半角冒号“:”，冒号后还要空一格，应写成：{fixed}",
        "a full-width colon “：” (column {column}): {text}",
        "YAML needs an ASCII colon followed by a space: write {fixed}",
    ),
    "yaml-full-width-comma": (
        "括号中用了全角逗号“，”分隔（第 {column} 列）：{text}",
        "各项之间用半角逗号“,”加一个空格分隔，应写成：{fixed}",
        "a full-width comma “，” separates the items in brackets (column {column}): {text}",
        "separate the items with an ASCII comma and a space: write {fixed}",
    ),
    "yaml-full-width-space": (
        "冒号后是全角空格（第 {column} 列）：{text}",
        "冒号后要用半角空格，应写成：{fixed}",
        "a full-width space after the colon (column {column}): {text}",
        "use an ASCII space after the colon: write {fixed}",
    ),
    "yaml-full-width-space-indent": (
        "行首用全角空格缩进：{text}",
        "缩进只能用半角空格：删去全角空格，改为 {spaces} 个半角空格",
        "the line is indented with full-width spaces: {text}",
        "indent with ASCII spaces only: replace them by {spaces} spaces",
    ),
    "yaml-tab-indent": (
        "行首用 Tab 键缩进：{text}",
        "YAML 只能用空格缩进：把 Tab 换成 {spaces} 个空格（编辑器可设置按 Tab 键插入空格）",
        "the line is indented with a tab: {text}",
        "YAML indents with spaces only: replace the tab by {spaces} spaces "
        "(editors can insert spaces for the Tab key)",
    ),
    "yaml-no-space-after-colon": (
        "“{key}:”的冒号后缺少空格：{text}",
        "YAML 的冒号后必须空一格，应写成：{fixed}",
        "no space after the colon of “{key}:”: {text}",
        "YAML needs a space after the colon: write {fixed}",
    ),
    "yaml-full-width-quotes": (
        "值外面用了中文引号“”（第 {column} 列）：{text}",
        "YAML 的引号须是半角的 \" 或 '，应写成：{fixed}",
        "the value is put in Chinese quotation marks “” (column {column}): {text}",
        "YAML's quotes are the ASCII \" and ': write {fixed}",
    ),
    "yaml-unclosed-quote": (
        "第 {column} 列的引号 {quote} 没有闭合：{text}",
        "在值的末尾补上 {quote}，应写成：{fixed}",
        "the quote {quote} at column {column} is never closed: {text}",
        "close it at the end of the value: write {fixed}",
    ),
    "yaml-mixed-quotes": (
        "引号前后不一致：第 {column} 列以半角 {quote} 开头，却以中文引号 {wrong} 结尾：{text}",
        "两头都用半角 {quote}，应写成：{fixed}",
        "the quotes do not match: ASCII {quote} at column {column}, but a Chinese {wrong} at the "
        "end: {text}",
        "use {quote} at both ends: write {fixed}",
    ),
    "yaml-unclosed-bracket": (
        "第 {column} 列的“{bracket}”没有对应的“{closing}”：{text}",
        "在末尾补上“{closing}”，应写成：{fixed}",
        "the “{bracket}” at column {column} is never closed by “{closing}”: {text}",
        "close it at the end: write {fixed}",
    ),
    "yaml-extra-bracket": (
        "第 {column} 列多了一个“{bracket}”，前面没有与之对应的“{opening}”：{text}",
        "删去多余的“{bracket}”，或在前面补上“{opening}”",
        "the “{bracket}” at column {column} closes nothing: no “{opening}” comes before it: {text}",
        "delete it, or add the missing “{opening}”",
    ),
    "yaml-colon-in-value": (
        "值中有“: ”（冒号加空格），YAML 会把它当作又一个键（第 {column} 列）：{text}",
        "给整个值加上半角引号，应写成：{fixed}",
        "the value holds “: ” (a colon and a space), which YAML reads as another key "
        "(column {column}): {text}",
        "put the whole value in ASCII quotes: write {fixed}",
    ),
    "yaml-special-start": (
        "值不能以“{char}”开头：{text}",
        "给整个值加上半角引号，应写成：{fixed}",
        "a value cannot start with “{char}”: {text}",
        "put the whole value in ASCII quotes: write {fixed}",
    ),
    "yaml-missing-colon": (
        "“{key}”后缺少冒号：{text}",
        "写成“键: 值”，用半角冒号，冒号后空一格，应写成：{fixed}",
        "no colon after “{key}”: {text}",
        "write “key: value”, with an ASCII colon and a space: write {fixed}",
    ),
    "yaml-bad-indent": (
        "这一行缩进 {spaces} 格，与上下文对不齐：{text}",
        "同一级的键要左端对齐：改为缩进 {expected} 格，与第 {other} 行的“{key}”对齐",
        "the line is indented {spaces} spaces, which matches no level above it: {text}",
        "keys of one level line up: indent it {expected} spaces, like “{key}” on line {other}",
    ),
    "yaml-list-item-depth": (
        "列表项“- ”缩进 {spaces} 格，与同一列表的其他项没有对齐：{text}",
        "同一列表各项的“- ”要上下对齐：改为缩进 {expected} 格，与第 {other} 行的“- ”对齐",
        "the list item “- ” is indented {spaces} spaces, out of line with the other items: {text}",
        "the “- ” of one list line up: indent it {expected} spaces, like line {other}",
    ),
    "yaml-duplicate-key": (
        "键“{key}”重复：第 {first} 行已经写过",
        "同一层中每个键只能写一次：删去其中一处，或把两处的内容合并到一处",
        "the key “{key}” appears twice: it is already on line {first}",
        "each key may appear once at its level: delete one, or merge the two",
    ),
    "formula-in-quotes": (
        "公式外面加了中文引号：{formula}",
        "公式不需要引号，直接写：{inner}",
        "the formula is put in Chinese quotation marks: {formula}",
        "a formula needs no quotes: write {inner}",
    ),
    "number-percent": (
        "{field}：“{text}”是百分数，方案中的比例要写成小数",
        "写 {fraction}",
        "{field}: “{text}” is a percentage; shares and rates are written as fractions",
        "write {fraction}",
    ),
    "number-with-unit": (
        "{field}：“{text}”带了单位“{unit}”，这里只写数字",
        "写 {number}",
        "{field}: “{text}” carries the unit “{unit}”; write the number alone",
        "write {number}",
    ),
    "number-as-text": (
        "{field}：{text} 不是 YAML 能识别的数字（全角数字、中文句号“。”、千位分隔符或引号都会使它成为文字）",
        "用半角数字写成 {number}，不加引号",
        "{field}: {text} is no number YAML reads (full-width digits, a Chinese full stop, "
        "thousands separators or quotes make it text)",
        "write {number}, in ASCII digits and without quotes",
    ),
    # pyyaml's problem by its kind, when no known mistake is found at the line
    "yaml-tab": (
        "这里有 Tab 字符（第 {column} 列）：{text}",
        "YAML 只识别空格：把 Tab 换成空格",
        "a tab character here (column {column}): {text}",
        "YAML takes spaces only: replace the tab by spaces",
    ),
    "yaml-escape": (
        "双引号中的反斜杠“\\”后面不是 YAML 能识别的写法（第 {column} 列）：{text}",
        "改用单引号 '…'（其中的 \\ 照原样保留），或把 \\ 写成 \\\\",
        "a backslash “\\” in double quotes starts an escape YAML does not know "
        "(column {column}): {text}",
        "use single quotes '…' (which keep \\ as it is), or write \\\\",
    ),
    "yaml-key-not-text": (
        "键不能是列表或键值表（第 {column} 列）：{text}",
        "键要写成文字，如 name:；列表或键值表写在冒号后面，作为值",
        "a key cannot be a list or a mapping (column {column}): {text}",
        "write keys as text, such as name:; put a list or a mapping after the colon, as the value",
    ),
    "yaml-anchor": (
        "锚点“&”或别名“*”的写法有误（第 {column} 列）：{text}",
        "别名 *名称 只能引用前面用 &名称 标出的内容，同一名称只标一次；"
        "如“&”“*”是文字的一部分，给整个值加上半角引号",
        "an anchor “&” or alias “*” is wrong here (column {column}): {text}",
        "an alias *name refers to content marked &name before it, each name marked once; "
        "if “&” or “*” is text, put the whole value in ASCII quotes",
    ),
    "yaml-tag": (
        "“!”开头的写法是 YAML 标签，考核方案不用标签（第 {column} 列）：{text}",
        "删去“!”开头的这一段；如“!”是文字的一部分，给整个值加上半角引号",
        "text starting with “!” is a YAML tag, which rule files do not use (column {column}): {text}",
        "delete the part starting with “!”; if “!” is text, put the whole value in ASCII quotes",
    ),
    "yaml-directive": (
        "以“%”开头的行是 YAML 指令，考核方案不用：{text}",
        "删去这一行；如“%”是文字的一部分，给整个值加上半角引号",
        "a line starting with “%” is a YAML directive, which rule files do not use: {text}",
        "delete the line; if “%” is text, put the whole value in ASCII quotes",
    ),
    "yaml-documents": (
        "文件被“---”或“...”分成了不止一份 YAML 文档：{text}",
        "一个文件只写一个考核方案：删去多余的“---”“...”；另一个方案另存为一个文件",
        "“---” or “...” splits the file into more than one YAML document: {text}",
        "one file holds one scheme: delete the extra “---” or “...”; save another scheme in a "
        "file of its own",
    ),
    "yaml-block-text": (
        "“|”或“>”后的多行文字写法有误（第 {column} 列）：{text}",
        "“|”“>”后直接换行，文字的每一行都比键多缩进 2 个空格",
        "the multi-line text after “|” or “>” is written wrongly (column {column}): {text}",
        "end the line after “|” or “>”, and indent each line of the text 2 spaces more than the key",
    ),
    "yaml-quoted-text": (
        "引号中的文字写法有误（第 {column} 列）：{text}",
        "引号要成对使用，并包住整个值",
        "the quoted text is written wrongly (column {column}): {text}",
        "quotes come in pairs, around the whole value",
    ),
    "yaml-brackets": (
        "方括号 [ ] 或花括号 {{ }} 中的写法有误（第 {column} 列）：{text}",
        "括号要成对；各项之间用半角逗号加空格分隔；某项中有逗号、冒号或括号时，给这一项加上半角引号",
        "the brackets [ ] or {{ }} are written wrongly (column {column}): {text}",
        "brackets come in pairs; separate items with an ASCII comma and a space; put an item "
        "holding a comma, colon or bracket in ASCII quotes",
    ),
    "yaml-no-colon": (
        "这一行不是“键: 值”的写法，缺少冒号：{text}",
        "写成“键: 值”（半角冒号，冒号后空一格）；如这一行是上一行的值断开的后半截，把它接回上一行",
        "the line is no “key: value”: it has no colon: {text}",
        "write “key: value” (an ASCII colon and a space); if the line continues the value above, "
        "join it to that line",
    ),
    "yaml-bad-character": (
        "“{char}”不能出现在这里（第 {column} 列）：{text}",
        "给含有这个字符的值加上半角引号",
        "“{char}” cannot stand here (column {column}): {text}",
        "put the value holding it in ASCII quotes",
    ),
    "yaml-structure": (
        "层次结构有误，缩进或“- ”的位置不对（第 {column} 列）：{text}",
        "对照上一行检查：同一级的键左端对齐，下一级多缩进 2 个空格，同一列表各项的“- ”上下对齐",
        "the structure is wrong: the indentation or a “- ” is out of place (column {column}): {text}",
        "compare with the line above: keys of one level line up, the next level is indented 2 "
        "spaces more, and the “- ” of one list line up",
    ),
    "yaml-control-character": (
        "第 {column} 列有看不见的控制字符 {char}",
        "删去这个字符再保存；从网页、Word 或聊天软件复制来的文字常带有这类字符",
        "an invisible control character {char} at column {column}",
        "delete it and save; text copied from web pages, Word or chat apps often carries them",
    ),
    "yaml-error": (
        "YAML 写法有误（第 {column} 列附近）：{text}",
        "检查这一行和上一行的缩进、冒号、引号和括号",
        "this is not valid YAML (near column {column}): {detail}",
        "check the indentation, colons, quotes and brackets of this line and the one above",
    ),
    "rule-file-unreadable": (
        "无法读取考核方案文件",
        "确认文件存在、没有被其他程序占用，并且有读取权限",
        "cannot read the rule file: {detail}",
        "make sure it exists, is not held open by another program, and may be read",
    ),
}


@dataclass(frozen=True)
class Issue:
    """One problem found in a user's file, with where it is and what to do."""

    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    severity: str = "error"  # error | warning | info
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    line: int | None = None  # YAML line, for rule files
    value: Any = None

    def message(self, lang: str = "zh") -> str:
        zh, _, en, _ = MESSAGES[self.code]
        return _fill(zh if lang == "zh" else en, {"value": self.value, **self.params})

    def hint(self, lang: str = "zh") -> str:
        _, zh, _, en = MESSAGES[self.code]
        return _fill(zh if lang == "zh" else en, {"value": self.value, **self.params})

    def location(self) -> str:
        """Where the problem is, as a person would write it: 文件 › 表 › 单元格, or file:line."""
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        text = " › ".join(parts)
        if self.line is not None:
            text = f"{text}:{self.line}" if text else f"line {self.line}"
        return text

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "line": self.line,
            "value": _jsonable(self.value),
            "message": self.message(lang),
            "hint": self.hint(lang),
        }


def _fill(template: str, params: dict[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def has_errors(issues: list[Issue]) -> bool:
    return any(i.severity == "error" for i in issues)


class ScorerError(Exception):
    """A failure that stops a command; the CLI prints it and exits with its status."""

    exit_code = 1


class UsageError(ScorerError):
    """The command line asks for something that cannot be done as asked."""

    exit_code = 2


class SchemeError(ScorerError):
    """A rule file has problems; they are listed in ``issues``."""

    def __init__(self, path: str, issues: list[Issue]):
        super().__init__(f"{path}: {len(issues)} problem(s)")
        self.path = path
        self.issues = issues


class SchemeNotFound(UsageError):
    """No scheme could be chosen for the data."""


class DataFileError(ScorerError):
    """An input file is missing or cannot be opened."""
