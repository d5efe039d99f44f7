"""Parser tests on the real seed issues: every expectation was read off the files by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.parse import Article, NotTextError, parse_file, parse_issue, parse_plain, read_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TERMINAL = tuple("。！？；…")


def seed(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def articles(prefix: str) -> list[Article]:
    return parse_file(seed(prefix))


def ends_sentence(text: str) -> bool:
    return text.rstrip("”’」）》").endswith(TERMINAL)


def sections(article: Article) -> list[str]:
    labels: list[str] = []
    for paragraph in article.paragraphs:
        if paragraph.section and paragraph.section not in labels:
            labels.append(paragraph.section)
    return labels


def paragraph_after(article: Article, fragment: str) -> tuple[str, str]:
    """The paragraph holding `fragment` and the one printed after it."""
    texts = [p.text for p in article.paragraphs]
    (k,) = [k for k, text in enumerate(texts) if fragment in text]
    return texts[k], texts[k + 1]


# ------------------------------------------------------------------ counts


@pytest.mark.parametrize(
    ("prefix", "count"),
    [("000", 6), ("001", 8), ("002", 5), ("003", 6), ("004", 6)],
)
def test_article_count_per_seed(prefix: str, count: int) -> None:
    parsed = articles(prefix)
    assert len(parsed) == count
    assert [a.index for a in parsed] == list(range(count))
    assert all(a.source == seed(prefix).name for a in parsed)


@pytest.mark.parametrize(
    ("prefix", "titles"),
    [
        (
            "000",
            [
                "市化工产业安全生产转型升级专项行动领导小组会议召开 加快化工产业转型升级 推动绿色低碳高质量发展 赵豪志出席会议并讲话",
                "市政府召开提升国省控地表水考核断面水环境质量工作专题会议 “一河一策”健全长效机制 高质高效推进水环境质量提升 赵豪志出席会议并讲话",
                "崂山区投入2300万元 启动“惠民助企”消费季 自12月12日起至明年3月底，将发放零售、餐饮、文旅、体育消费券",
                "推动党的创新理论进基层入人心 市委党校开展“六级六讲”系列主题党日活动",
                "新时代新征程新伟业 党的二十大精神在机关 市城市管理局划分出563个供热服务网格，缩小服务半径快速解决问题 “服务管家”常登门，今冬供热“更暖心”",
                "15个“链主”企业入驻青岛空港综保区 项目总投资达到121.9亿元，将把免税保税退税等政策红利转化为发展优势",
            ],
        ),
        (
            "001",
            [
                "加力振兴实体经济 大力提升发展质效",
                "以新型工业化赋能 现代产业先行城市",
                "推进高质量充分就业 建设人才集聚高地",
                "实施城市更新行动，打造宜居韧性智慧城市",
                "青岛推动社区社会组织 参与新时代文明实践",
                "青岛中天润智能 科技产业园封顶",
                "为海洋生态文明建设 探索新路径",
                "青岛两座污水处理厂 获评全国“标杆”",
            ],
        ),
        (
            "002",
            [
                "让党的二十大精神在基层落地生根",
                "全民动员 人人参与 创建全国文明典范城市",
                "青岛首单创新创业公司债券发行",
                "青岛人选全省首批“平安农机”示范市",
                "市北：以强作风促落实，以实干求实效",
            ],
        ),
        (
            "003",
            [
                "2023年力争实现地区生产总值增长5.5%左右，一般公共预算收入增长6%左右——市北区：稳经济促转型优环境惠民生提效能",
                "2023年力争全区生产总值增长6.5%以上，一般公共预算收入增长8%以上——崂山区：抓好“五区同创”走在前开新局",
                "护航发展 值得托付",
                "推进青钢遗址公园建设",
                "唐进倬同志逝世",
                "品牌名称：值得托付",
            ],
        ),
        (
            "004",
            [
                "向“新”向“高”向“绿”，加快发展先进制造业",
                "上好开工“第一课” 筑牢防线护航生产",
                "项目是否碰了生态“线” 智慧平台可以提前查",
                "凤麟核获批国家重点研发计划项目",
                "稳扎稳打有干头·打头阵当先锋",
                "“温暖”的秘密：大数据+勤跑腿",
            ],
        ),
    ],
)
def test_headlines(prefix: str, titles: list[str]) -> None:
    assert [a.title for a in articles(prefix)] == titles


@pytest.mark.parametrize(
    ("prefix", "bylines"),
    [
        ("000", [["薛华飞"], ["薛华飞"], ["衣涛", "张绪霞", "蓝静"], ["刘萍", "高君峰"], ["贾臻"], ["锡复春", "王惠"]]),
        ("001", [["杨光"], ["孙欣"], ["刘佳旋"], ["王冰洁"], ["贾臻"], ["马婷婷"], ["李勋祥"], ["吴帅"]]),
        ("002", [["薛君妍"], [], ["傅军"], ["张晋", "窦晓青"], ["余瑞新"]]),
        ("003", [["余瑞新"], ["衣涛"], ["梁超", "朱有祥", "宋津"], ["王冰洁"], [], []]),
        ("004", [["孙欣"], ["梁超"], ["吴帅"], ["耿婷婷"], [], ["贾臻"]]),
    ],
)
def test_bylines_have_normalised_names(prefix: str, bylines: list[list[str]]) -> None:
    assert [a.byline for a in articles(prefix)] == bylines


# ---------------------------------------------------------- headline parts


def test_column_label_in_brackets_becomes_kicker() -> None:
    parsed = articles("000")
    assert parsed[3].kicker == "深入学习宣传贯彻党的二十大精神"
    assert parsed[5].kicker == "推进招商引资 加快项目建设"
    assert "「" not in parsed[3].title


def test_column_labels_above_headline_become_kicker() -> None:
    assert articles("003")[0].kicker == "「聚焦」区市两会"
    warmth = articles("004")[5]
    assert warmth.kicker == "新春走基层"
    assert warmth.subtitle == "青岛供热工作人员用心用情服务，确保居民温暖过冬、温馨过年"
    safety = articles("004")[1]
    assert safety.kicker == "聚焦安全生产 青岛应急管理系统做好节后企业开工安全生产工作"


def test_series_banner_is_kicker_not_title() -> None:
    first = articles("001")[0]
    assert first.kicker == "深入学习宣传贯彻党的二十大精神 在全面学习全面把握全面落实上下功夫 市委十三届二次全会精神大家谈"


def test_column_label_printed_under_byline_is_kicker() -> None:
    city = articles("001")[3]
    assert city.kicker == "二十大精神 在身边"
    assert city.paragraphs[0].text.startswith("前不久，青兰高速公路")


def test_decks_and_dashed_lines() -> None:
    assert articles("002")[0].subtitle == "省委宣讲团成员在青岛宣讲党的二十大精神，与基层干部群众面对面交流"
    assert articles("002")[4].kicker == "前三季度全区固投增速15%，新落地6个30亿元项目，加速推进259个城市更新和城市建设项目"
    assert articles("004")[0].subtitle == "全市新型工业化推进大会侧记"
    assert articles("001")[5].subtitle == "预计明年8月交付使用，将打造“工业上楼”标杆项目"
    assert articles("003")[3].kicker == "市自然资源和规划局党组书记、副局长滕军红做客民生在线，回应网友关心的热点问题"


def test_markdown_headline_is_unwrapped_and_starts_an_article() -> None:
    civic = articles("002")[1]
    assert civic.title == "全民动员 人人参与 创建全国文明典范城市"
    assert civic.paragraphs[0].text.startswith("“5号楼单元门前地面有一块大理石松动")
    assert all("*" not in a.title and "*" not in a.text for a in articles("002"))


# --------------------------------------------------------------- datelines


def test_dateline_is_split_from_first_paragraph() -> None:
    first = articles("000")[0]
    assert first.dateline == "本报12月6日讯"
    assert first.paragraphs[0].text.startswith("今天下午，市化工产业")
    assert articles("000")[4].dateline is None


@pytest.mark.parametrize(
    ("prefix", "date"),
    [("000", "2022-12-06"), ("001", "2022-11-13"), ("002", "2022-11-14"), ("004", "2024-02-22")],
)
def test_issue_date_is_inferred_for_every_article(prefix: str, date: str) -> None:
    assert {a.date for a in articles(prefix)} == {date}


def test_issue_without_datelines_has_no_date() -> None:
    assert {a.date for a in articles("003")} == {None}


def test_year_inference_reads_next_year_from_late_issue() -> None:
    text = "标题甲\n□青岛日报/观海新闻记者 张三\n本报12月1日讯 项目将于2025年投用，明年完工。\n"
    assert parse_issue(text, "x.txt")[0].date == "2024-12-01"
    early = "标题乙\n□青岛日报/观海新闻记者 李四\n本报2月1日讯 2025年将建成。2024年增长5%。\n"
    assert parse_issue(early, "y.txt")[0].date == "2025-02-01"


# -------------------------------------------------------- broken paragraphs


@pytest.mark.parametrize(
    ("prefix", "joined"),
    [
        ("000", "以主题党课推动党的二十大精神在基层走向深入。"),
        ("000", "为支部党员讲党课，激励支部党员"),
        ("000", "有时家里的水龙头坏了、灯不亮了，都是一个电话"),
        ("000", "划分1个网格的标准，组织在集中供热区域"),
        ("000", "最直观的就是减少煤炭消耗"),
        ("000", "并以物联网技术融入WMS系统中"),
        ("001", "黄河流域生态保护和高质量发展、胶东经济圈一体化发展等国家、省战略背景下谋划和推动"),
        ("001", "青岛至京沪高铁辅助通道"),
        ("002", "特别是习近平总书记在党的二十大报告中指出"),
        ("002", "深化“放管服”改革"),
        ("002", "259栋老旧小区改造"),
        ("003", "市北区将从做强产业发展链条、厚植产业发展生态、提升产业发展活力、推动消费扩容升级"),
        ("003", "升级RCEP山东企业服务中心"),
        ("003", "惠及群众5.2万户，加装既有住宅电梯100部以上"),
        ("003", "推动人工智能科技园（莱钢地块三期）"),
        ("003", "推进中国工业互联网大数据中心"),
        ("003", "加快重点低效片区开发"),
        ("003", "提升防灾减灾救灾和突发事件应对处置能力"),
        ("004", "靶向引进投资亿元以上制造业项目95个"),
        ("004", "推动汉缆等15家优质企业"),
        ("004", "持续推动创新链、产业链、人才链"),
        ("004", "以前被动等居民打电话反映情况"),
    ],
)
def test_broken_lines_are_rejoined_without_space(prefix: str, joined: str) -> None:
    holders = [p.text for a in articles(prefix) for p in a.paragraphs if joined in p.text]
    assert len(holders) == 1
    assert ends_sentence(holders[0])


def test_only_sidebar_lines_and_photo_items_end_without_punctuation() -> None:
    unfinished = {
        p.text for prefix in ("000", "001", "002", "003", "004") for a in articles(prefix) for p in a.paragraphs
        if not ends_sentence(p.text)
    }
    assert unfinished == {
        "记者感言 供的是热气，暖的是民心",
        "“民生在线”下期预告",
        "网谈时间：1月10日（周二）下午2:30—4:00",
        "网谈单位：市住房城乡建设局",
        "2023年，58个过亿元项目整体进展顺利，完成投资94.17亿元，11个项目建设完工，推进现代农业进一步提质增效",
        "今年统筹推进31个涉农大项目建设，培育1个国家级农业国际贸易高质量发展基地，确保农产品出口50亿美元以上，持续位居全国城市首位",
    }


def test_caption_inside_broken_word_is_moved_after_the_paragraph() -> None:
    paragraph, caption = paragraph_after(articles("000")[5], "主要建设“芯片半导体设备保税养护及仓储中心”")
    assert caption == "海尔日日顺跨境电商保税服务基地项目正在内部装修。"
    assert "海尔日日顺跨境电商保税服务基地项目正在内部装修" not in paragraph

    paragraph, caption = paragraph_after(articles("003")[2], "完成危化品经营许可证的办理工作”的任务。")
    assert caption == "市森林防火指挥部组织开展多场景实战化森林防火应急演练，提升全市防灾减灾能力。"
    assert "森林防火" not in paragraph


def test_no_layout_marks_left_in_text() -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        for article in articles(prefix):
            assert not any(mark in article.text for mark in "■□*")


# ------------------------------------------------------- sections, sidebars


def test_sub_headings_are_section_labels_not_articles() -> None:
    assert sections(articles("001")[3]) == [
        "规划引领，多项城市基础设施规划已编制完成",
        "审批提速，保障重点项目建设快马加鞭",
        "科学论证，专家学者深度参与“把脉定向”",
    ]
    assert sections(articles("004")[0]) == [
        "向“新”：加快壮大新兴产业",
        "向“高”：加快向价值链高端爬升",
        "向“绿”：加速制造业节能降碳",
    ]
    assert sections(articles("002")[4]) == ["抓实经济发展第一要务", "扛牢城市更新主城担当", "推动解决群众急难愁盼问题"]
    assert articles("004")[0].paragraphs[0].section is None


def test_unsigned_feature_keeps_its_first_sub_heading() -> None:
    feature = articles("003")[2]
    assert feature.subtitle == "青岛市应急管理局实施“三大工程”，叫响“值得托付”党建品牌"
    assert sections(feature) == [
        "实施“举旗铸魂”工程，打造值得党组织托付的政治机关",
        "实施“阳光政务”工程，打造值得服务对象托付的服务机关",
        "实施“先锋领航”工程，打造值得人民群众托付的效能机关",
    ]
    assert feature.paragraphs[0].text.startswith("干部队伍的整体素质")
    assert feature.paragraphs[-1].text.endswith("切实提升人民群众安全感、获得感。")


def test_reporter_sidebar_is_its_own_section() -> None:
    heating = articles("000")[4]
    body = [p.text for p in heating.paragraphs if p.section is None]
    sidebar = [p.text for p in heating.paragraphs if p.section == "记者感言"]
    assert body[-1].endswith("减少约7.3万辆次重型货车煤、渣运输以及煤场扬尘造成的污染排放。")
    assert sidebar[0] == "记者感言 供的是热气，暖的是民心"
    assert sidebar[-1].endswith("彰显的恰恰是“为民”的初心。")
    assert len(sidebar) == 4


def test_preview_sidebar_closes_article_and_obituary_stands_alone() -> None:
    online, obituary, brand = articles("003")[3:]
    preview = [p.text for p in online.paragraphs if p.section == "下期预告"]
    assert preview == ["“民生在线”下期预告", "网谈时间：1月10日（周二）下午2:30—4:00", "网谈单位：市住房城乡建设局"]
    assert obituary.text.startswith("原青岛市科学技术委员会党组书记、主任唐进倬同志因病医治无效")
    assert len(obituary.paragraphs) == 2
    assert brand.text.startswith("品牌内涵：该标志图案")
    assert "唐进倬" not in online.text + brand.text


def test_photo_news_without_byline_is_its_own_article() -> None:
    photo = articles("004")[4]
    assert photo.byline == []
    assert photo.paragraphs[-1].text == "青岛绿沃川农业科技有限公司的高科技草莓大棚采用立体式种植。"
    assert not articles("004")[3].text.endswith("种植。")


def test_every_body_line_lands_in_exactly_one_article() -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        parsed = articles(prefix)
        bodies = [a.text for a in parsed]
        for line in read_text(seed(prefix)).splitlines():
            line = re.sub(r"^本报\S*讯\s*", "", line.strip().lstrip("■"))
            if "。" in line:
                assert sum(body.count(line) for body in bodies) == 1, (prefix, line)


# ------------------------------------------------------------ reading files


def test_read_text_decodes_gbk_gb18030_bom_and_utf16(tmp_path: Path) -> None:
    original = read_text(seed("004"))
    encodings = {
        "gbk.txt": original.encode("gbk"),
        "gb18030.txt": original.encode("gb18030"),
        "bom.txt": b"\xef\xbb\xbf" + original.encode("utf-8"),
        "le.txt": b"\xff\xfe" + original.encode("utf-16-le"),
        "be.txt": b"\xfe\xff" + original.encode("utf-16-be"),
        "crlf.txt": original.replace("\n", "\r\n").encode("utf-8"),
    }
    for name, data in encodings.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert read_text(path) == original, name
        assert [a.title for a in parse_file(path)] == [a.title for a in articles("004")], name


def test_binary_file_is_refused_with_reason(tmp_path: Path) -> None:
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    with pytest.raises(NotTextError, match=r"photo\.txt.*NUL"):
        read_text(png)
    noise = tmp_path / "noise.txt"
    noise.write_bytes(bytes(range(1, 256)) * 4)
    with pytest.raises(NotTextError, match=r"noise\.txt"):
        parse_file(noise)


def test_empty_file_reads_as_empty_and_has_no_articles(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert read_text(empty) == ""
    assert parse_file(empty) == []


def test_unsupported_suffix_is_refused(tmp_path: Path) -> None:
    pdf = tmp_path / "issue.pdf"
    pdf.write_text("标题\n正文。", encoding="utf-8")
    with pytest.raises(ValueError, match=r"issue\.pdf.*'\.pdf'"):
        parse_file(pdf)


# ------------------------------------------------------------ plain files


def test_parse_plain_markdown_article(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(
        "# **青岛港吞吐量创新高**\n\n本报讯 今年前三季度，青岛港货物吞吐量\n\n持续增长。\n\n## 后续计划\n\n港口将继续扩建码头。\n",
        encoding="utf-8",
    )
    (article,) = parse_file(path)
    assert article.source == "note.md"
    assert article.title == "青岛港吞吐量创新高"
    assert article.dateline == "本报讯"
    assert [(p.text, p.section) for p in article.paragraphs] == [
        ("今年前三季度，青岛港货物吞吐量持续增长。", None),
        ("港口将继续扩建码头。", "后续计划"),
    ]
    assert article.text == "今年前三季度，青岛港货物吞吐量持续增长。\n港口将继续扩建码头。"
    assert article.id == "note.md#0"


def test_parse_plain_keeps_caption_out_of_sentence() -> None:
    text = "**标题**\n\n建设者克服风浪、台风等困难，历时三年，海湾\n\n■大桥夜景。\n\n大桥昨日全线贯通。\n"
    (article,) = parse_plain(text, "a.txt")
    assert article.title == "标题"
    assert [p.text for p in article.paragraphs] == ["建设者克服风浪、台风等困难，历时三年，海湾大桥昨日全线贯通。", "大桥夜景。"]


def test_parse_plain_of_blank_text_is_empty() -> None:
    assert parse_plain("\n \n", "blank.txt") == []
