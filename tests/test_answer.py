"""The answer step, part by part: question analysis, verification, enumerations,
metadata lists, English answers, and end to end on the seeds.

The unit tests build real `Chunk`s and `Hit`s from literal text (the shapes of the
failure cases in issue 12) and run the real answerer over them with the shipped
weights; nothing is mocked. The end-to-end tests use the seed index.
"""

from __future__ import annotations

from dataclasses import replace

import re

import pytest

from assistant.answer import ExtractiveAnswerer
from assistant.answer.candidates import Article, Articles, Candidate, candidates, clause_windows, person_spans, spans_of, topic, type_spans
from assistant.answer.checks import vague_amount, verify
from assistant.answer.compose import Finding, Quote, _in_english, compose
from assistant.answer.extractive import _attribute_first, _defining_first, _dropped_one
from assistant.pinyin import pinyin_names, unspelt_names
from assistant.answer.metadata import asks_for_report, described_reports, headlines, printed_conditions
from assistant.answer.points import points
from assistant.answer.question import Constraint, Question, analyse, constraints_in, resolve_follow_up, split_question, values_of
from assistant.answer.rules import rules
from assistant.chunk import Chunk, chunk_id
from assistant.lexical import Catalog, LexicalIndex, TokenTable, expand_abbreviations, expand_english, is_english, tokenize_batch
from assistant.retrieve import Hit
from assistant.settings import AnswerSettings

EMPTY = LexicalIndex.empty()


def _chunk(text: str, title: str = "测试报道", article: str = "a.txt#0", start: int = 0, date: str = "2022-12-06",
           byline: str = "", section: str = "", dateline: str = "") -> Chunk:
    return Chunk(chunk_id("a.txt", title, text), text, article.split("#")[0], article, title, date, byline, section,
                 start, start + len(text), dateline)


def _hits(*chunks: Chunk) -> list[Hit]:
    return [Hit(chunk, rank, 1.0 / rank, rank, None) for rank, chunk in enumerate(chunks, 1)]


def _ranked_by_opening(asked: Question, chunks: list[Chunk], opening: str, score: float = 1.0) -> list[Candidate]:
    """The chunks' candidates, those opening with `opening` scored `score` and the rest
    0.75: the ranking a moving-up step (`_attribute_first`, `_defining_first`) starts from."""
    found = candidates(asked, _hits(*chunks), Articles(None))
    for candidate in found:
        candidate.score = score if candidate.text.startswith(opening) else 0.75
    return sorted(found, key=lambda c: c.score, reverse=True)


def _lexical(*chunks: Chunk) -> LexicalIndex:
    table = TokenTable()
    table.append(tokenize_batch([c.text for c in chunks]))
    catalog = Catalog([c.id for c in chunks], [c.source for c in chunks], [c.article_id for c in chunks], [c.date for c in chunks])
    return LexicalIndex.from_tokens(catalog, table)


def _answerer(*chunks: Chunk) -> ExtractiveAnswerer:
    """An answerer over literal chunks. These tests are about composition and checks, not
    about the learnt refusal threshold (an empty index gives every word the same weight),
    so any candidate is confident enough (answer.min_support = 0)."""
    by_article: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_article.setdefault(chunk.article_id, []).append(chunk)
    return ExtractiveAnswerer(EMPTY, AnswerSettings(min_support=0.0), lambda ids: {i: by_article.get(i, []) for i in ids},
                              lambda: [c for c in chunks if c.start == 0])


# ----- question analysis ----------------------------------------------------------

@pytest.mark.parametrize(
    ("question", "answer_type"),
    [
        ("市化工产业安全生产转型升级专项行动领导小组会议由谁主持？", "person"),
        ("哪个部门汇报了工作方案？", "org"),
        ("阵内智则目前担任什么节目的主持人？", "named"),  # a programme, a film or a song is named in 《》
        ("那保险公司出事以后是跟谁一块儿应对的？", "org"),  # a partner is mostly an organisation
        ("该工程被列为哪个市级部门全力保障的项目？", "org"),  # 市级 is no city
        ("会上还有哪些市领导出席？", "person"),
        ("他是哪个大学毕业的？", "org"),
        ("她在哪个医院工作？", "org"),
        ("大果西番莲分布在什么地区？", "place"),
        ("示范乡镇里，哪个县级市占了两个？", "place"),  # a kind of city asked, though 县级 is no county
        ("哪座城市承办了这届年会？", "place"),
        ("今冬青岛从什么时候开始正式供热？", "date"),
        ("崂山区提前多久完成了城中村改造任务？", "duration"),
        ("市北区力争引进多少个亿元项目？", "quantity"),
        ("青岛把这几本规划编完以后，想搭起一套什么样的交通体系？", "description"),  # 这几本 says "these", asks no count
        ("1-10月限上零售业增速是多少？", "percent"),
        ("消费券的核销率有多高？", "percent"),  # a rate, not a height
        ("青岛的外贸规模在全国城市中排第几？", "rank"),
        ("数字经济核心产业增加值占比要保持在什么位置？", "rank"),  # a position asked, though 占比 names a share
        ("Can you name a couple of the old neighbourhoods Laoshan planned to renovate?", "description"),  # a request, no yes/no
        ("Can the plant treat beer wastewater?", "yesno"),
        ("Which government ministry had accredited that evaluator?", "org"),
        ("他这趟专门去是为了干啥？", "reason"),  # a purpose asked
        ("这项工程为了什么时候能通车？", "date"),
        ("示范社区里是国家级的多，还是市级的多？", "quantity"),  # two counts compared
        ("这次活动的主题叫什么？", "named"),
        ("枣山路二期是否已列入攻坚行动计划？", "yesno"),
        ("为什么供热要提前开始？", "reason"),
        ("龙胆又被称之为什么？", "named"),  # 称之为 + 什么: a name, not a why
        ("他在2011年被聘为什么职务？", "description"),
        ("巡检最后忙到几点才结束？", "date"),
        ("派单以后维修人员多快出发？", "duration"),
        ("应急管理部门帮它省下了多少时间？", "duration"),
        ("以前烧煤那几年，小区被啥事闹腾？", "description"),  # 那几年 points at a time; it asks no length
        ("想让好几栋老楼连成片一块儿装电梯，能换来什么好处？", "description"),  # 好几 is several, not how many
        ("上门发现几间屋子冷热差得多，他给暖气做了什么调整？", "description"),  # the scene's 几; a later clause asks
        ("崂山区有几个项目开工？", "quantity"),
        ("这几天供热为什么不稳定？", "reason"),
        ("理财公司的管理规模要达到什么量级？", "quantity"),
        ("债券发行的是什么规模？", "quantity"),
        ("跟中亚几个国家一起办的那场论坛叫什么名字？", "named"),  # 几 before another question word: "several"
        ("说连续三年投入保费的那位负责人叫什么名字？", "person"),  # a person's name, not a thing's
        ("全市有几个街道？", "quantity"),
        ("那它给目标产业的产值定了多大的增长？", "percent"),  # a growth asked by its size: a rate
        ("市长是怎么讲加强水环境治理有多重要的？", "manner"),  # 多重要 is how important, not how heavy
        ("把消费季放在年底，是想抓住什么时机？", "description"),  # a measure word (消费) is not what 什么 asks
        ("How many companies moved into the zone?", "quantity"),
        ("Who chaired the meeting?", "person"),
        ("At the meeting, who spoke first?", "person"),
        ("How fast did Jiaozhou's industrial value added grow in 2023?", "percent"),  # a growth: a rate
        ("Mr Tao, who moved his company, came from Zhucheng. Which prefecture-level city is Zhucheng under?", "place"),  # the last sentence asks
        ("Li Jianmin, the resident who praised the steward, lives in which building?", "description"),  # a relative who asks nothing
        ("What is the total heating area in Qingdao this winter?", "quantity"),
        ("Who accompanied the lecturer when he visited Qingdao companies?", "person"),
        ("When Sun Aijun spoke at Haier in November 2022, what did he say the report embodies?", "description"),
        ("园区留出的灵动空间一块从多大到多大？", "range"),
        ("What range of sizes do the flexible spaces come in?", "range"),  # an English range: two figures too
        ("When Sun Aijun spoke at Haier, who accompanied him?", "person"),
        ("When did Sun Aijun speak at Haier?", "date"),
        ("By how many percentage points did retail sales grow in 2023?", "percent"),
        ("Over what period does the consumer season for the people run?", "date"),  # a span of dates, not the people counted
        ("Between which dates did the heavy rain fall?", "date"),
        ("How long is the stretch of Tanghe Road that Shibei District opened?", "quantity"),  # a length
        ("How long did the rain last?", "duration"),
        ("消费季活动持续哪段时间？", "date"),
        ("这些设施是照着谁的验收要求来完善的？", "org"),  # whose requirements: mostly an organisation's
        ("她是谁的女儿？", "person"),
        ("总经理叫什么名字？", "person"),
        ("那个线上平台叫啥名字来着？", "named"),  # a spoken question word asks what its written one asks
        ("审批服务组合里那一项全称叫啥？", "named"),
        ("这个换热站多会儿开始分户计量的？", "date"),
        ("那位站长是咋把用户的事办好的？", "manner"),
        ("这种鱼的身体是什么颜色的？", "colour"),
        ("What colour are its flowers?", "colour"),
    ],
)
def test_answer_types(question: str, answer_type: str) -> None:
    assert analyse(question, EMPTY).answer_type == answer_type


def test_which_few_asks_which_not_how_many() -> None:
    """"哪几座" asks which ones: a sentence counting 1座 is no answer, the one naming the
    laboratories is."""
    asked = analyse("凤岭校区的高水平实验室有哪几座？", EMPTY)
    assert asked.answer_type != "quantity" and asked.wants_list
    chunk = _chunk("学校还有1座天文台、2个塑胶田径场。凤岭校区有4间高水平实验室，包括物理探究性实验室、生物数码互动实验室。")
    answer = _answerer(chunk).answer("凤岭校区的高水平实验室有哪几座？", [], _hits(chunk))
    assert "物理探究性实验室" in answer.text and "天文台" not in answer.text


def test_how_many_with_the_all_purpose_measure_word_takes_the_papers_own() -> None:
    chunk = _chunk("邮轮港区要加快推进8个重点项目。建成9处停车场，实现30处经营性停车场开放共享。")
    answer = _answerer(chunk).answer("今年要让多少个停车场开放共享？", [], _hits(chunk))
    assert "30处" in answer.text and "8个" not in answer.text


def test_units_follow_the_question() -> None:
    # 个 is a question's all-purpose measure word: the paper may count 80个, 30处 or 5家.
    assert {"个", "处", "家"} <= set(analyse("市北区力争引进多少个亿元项目？", EMPTY).units)
    assert "亩" in analyse("项目用地有多大？", EMPTY).units
    assert "元" in analyse("消费季一共投入了多少资金？", EMPTY).units
    assert "%" in analyse("增速是多少？", EMPTY).units
    # 多大 alone names no measure: a bond's 规模 is in 亿元, a park's in 平方米
    assert analyse("规模有多大？", EMPTY).units == ()
    # ...but an industry's or a market's 规模 is money ("虚拟现实产业规模突破180亿元"), not a count
    assert "元" in analyse("全区虚拟现实产业规模定的目标是多少？", EMPTY).units
    # English "how many <things>" counts like 多少个, unless it names its unit
    assert {"个", "家"} <= set(analyse("How many industrial enterprises does Jiaozhou have?", EMPTY).units)
    assert analyse("How many households were connected?", EMPTY).units == ("户",)
    # ...and the thing an English count names takes its own measure words: enterprises 家,
    # rounds 次; "走出了一条…道路" or "《十条举措》" counts none of them
    assert analyse("How many national 'little giant' enterprises has the zone cultivated?", EMPTY).units == ("家", "个")
    assert "条" not in analyse("How many rounds of supervision has the bureau carried out so far?", EMPTY).units

    assert "%" not in analyse("How many enterprises are above designated size?", EMPTY).units
    # "high-frequency", "High-tech" and "long-term" name no height or length
    assert "项" in analyse("How many high-frequency government services can people handle close to home?", EMPTY).units
    assert "米" not in analyse("How many companies are in the Qingdao High-tech Zone?", EMPTY).units
    assert analyse("Besides the pilot zone, which 'famous city' title does Bian Cheng want Qingdao to build to a high standard?", EMPTY).units == ()
    # a processor's or a vehicle's speed is in GHz or km/h, not "2倍"; a growth 速度 is a rate,
    # and a high-speed railway or "speed up" names no speed
    assert "GHz" in analyse("POWER6处理器速度是多少？", EMPTY).units
    assert "GHz" not in analyse("经济增长速度是多少？", EMPTY).units
    assert "km/h" not in analyse("Which high-speed railway will be built, and how many projects will speed up?", EMPTY).units
    chunk = _chunk("POWER6处理器的速度几乎是HP服务器产品线所用处理器的3倍。双核POWER6处理器的速度为4.7 GHz，是其上一代的2倍。")
    assert "4.7 GHz" in _answerer(chunk).answer("POWER6处理器速度是多少？", [], _hits(chunk)).text
    assert "米" in analyse("How high is the building?", EMPTY).units
    # 多高 of a voltage is no height
    assert "千伏" in analyse("那条电缆通道是按多高电压等级建的？", EMPTY).units
    assert "米" not in analyse("那条电缆通道是按多高电压等级建的？", EMPTY).units


@pytest.mark.parametrize(
    ("question", "text", "found"),
    [
        ("锦地罗的全长是多少厘米？", "锦地罗全长通常只有2cm（0.79英尺）。", ["2cm"]),
        ("搜索雷达的有效距离是多少？", "搜索雷达有效距离为30km，射控追踪雷达距离精度±10m。", ["30km", "10m"]),
        ("巴黎第四区的土地面积是多少？", "土地面积为1.601 km²，人口约两万。", ["1.601 km²"]),
        ("项目装机容量是多少？", "项目装机容量为50MW，年发电量约1亿度电。", ["50MW", "1亿度电"]),
        ("雷达的有效距离是多少？", "该公司市值达5 million美元。", []),  # "5 m…" is not five metres
        ("她获得过几次冠军？", "她曾获得10次WTA赛事冠军。", ["10次"]),
        ("他家往年冬天屋里一般能有多少度？", "往年23℃的室温，不同房间温差超过4摄氏度。", ["23℃", "4摄氏度"]),  # 度 written ℃
    ],
)
def test_units_are_found_in_their_latin_spellings(question: str, text: str, found: list[str]) -> None:
    """Wikipedia and the paper write 30km, 1.601 km², 50MW: a question asking 多少厘米 or
    a 距离 is answered by them as by 30公里."""
    spans = type_spans(analyse(question, EMPTY), text) or []
    assert [text[start:end] for start, end in spans] == found


def test_a_count_is_not_a_longer_unit_that_starts_with_its_measure_word() -> None:
    """A count in 个 is not "3个月" (a duration) nor "9.9个百分点" (a rate), so "How many
    first stores has Laoshan attracted" is not answered by how far its retail growth
    outran the city's."""
    counts = rules().quantity_pattern(("家", "个"))
    assert [m.group(0) for m in counts.finditer("新引进30个项目，用时3个月，高出9.9个百分点，落户5家。")] == ["30个", "5家"]
    chunk = _chunk("1-10月，崂山区限上零售业增速高达22.1%，分别高于全省、全市15.2和9.9个百分点。")
    assert _answerer(chunk).answer("How many 'first stores' has Laoshan District attracted so far?", [], _hits(chunk)).refused


def test_a_word_a_unit_starts_is_no_count() -> None:
    """"连续4年保持两位数增长" counts digits, not people (位): no answer to how many came."""
    question = analyse("How many people attended the meeting?", EMPTY)
    text = "连续4年保持两位数增长，两位院士出席。"
    assert [text[start:end] for start, end in type_spans(question, text) or []] == ["两位"]


def test_an_abbreviated_department_is_read_in_full() -> None:
    """A reader says 人社局 and 发改委; the paper writes 人力资源社会保障局 and 发展改革委.
    The question is searched and judged by the full name, and its article's
    sentence is not refused for lacking the short one."""
    assert "发展改革委" in expand_abbreviations("发改委今年的重点项目有多少个？")
    assert expand_abbreviations("个人社保缴费比例是多少？") == "个人社保缴费比例是多少？"
    assert "科学技术委员会" in expand_abbreviations("原来市科委的老主任是谁？")
    asked = analyse("人社局打算扶持多少家劳动关系调解组织？", EMPTY)
    assert {"人力资源", "保障局"} <= {t.text for t in asked.terms}
    text = "市人力资源社会保障局将培育20家劳动关系调解组织。"
    assert _verdict("人社局打算扶持多少家劳动关系调解组织？", text).ok


def test_a_follow_up_is_judged_with_the_topic_of_the_turn_it_leans_on() -> None:
    """"那省级和市级的各有多少个？" names none of its article's words itself: the earlier
    question's words (减灾示范社区) say the article is about it. A new question in the
    same conversation does not borrow them."""
    earlier = ["青岛一共创建了多少个综合减灾示范社区？"]
    follow_up = analyse("那省级和市级的各有多少个？", EMPTY, earlier)
    assert "减灾" in {t.text for t in follow_up.history_terms}
    assert analyse("青岛港前三季度货物吞吐量是多少？", EMPTY, earlier).history_terms == ()
    text = "截至目前，我市共创建综合减灾示范社区424个，其中全国135个、全省90个、青岛市199个。"
    chunk = _chunk(text, title="护航发展 值得托付")
    article = Articles(lambda ids: {i: [chunk] for i in ids}).of(chunk)
    assert topic(follow_up, article, 1).features["cover_article"] > 0.5
    assert topic(analyse("那省级和市级的各有多少个？", EMPTY), article, 1).features["cover_article"] == 0.0


def test_a_bracketed_aside_inside_a_name_stays_in_the_subject() -> None:
    """"中国（南京）国际象棋超级大赛的原名是什么": the question is about the tournament; read
    as about 中国, any article naming China looked on topic (a footballer from 南京 was
    quoted). An aside the question ends its subject with is not kept."""
    asked = analyse("中国（南京）国际象棋超级大赛的原名是什么？", EMPTY)
    assert asked.subject == "中国（南京）国际象棋超级大赛"
    assert analyse("海梅·雷耶斯（Jaime）的父母是谁？", EMPTY).subject == "海梅·雷耶斯"
    chunk = _chunk("渠成，中国足球运动员，江苏省南京市人，司职前锋。", title="渠成")
    article = Articles(lambda ids: {i: [chunk] for i in ids}).of(chunk)
    assert topic(asked, article, 1).features["subject"] < 0.5


def test_focus_is_the_predicate_beside_the_question_word() -> None:
    assert [t.text for t in analyse("市化工产业安全生产转型升级专项行动领导小组会议由谁主持？", EMPTY).focus] == ["主持"]
    assert "分布" in [t.text for t in analyse("大果西番莲分布在什么地区？", EMPTY).focus]
    assert [t.text for t in analyse("市应急管理局提出了多少项创新举措？", EMPTY).focus] == ["提出"]
    # A title's words are its name: the focus is the verb before it, not 工作 inside it.
    assert [t.text for t in analyse("会上汇报《青岛市水环境质量提升工作方案》的是谁？", EMPTY).focus] == ["汇报"]
    # A title right before the question word is what is asked, though jieba tags 主任 a
    # distinguishing word and 委办 a verb.
    assert [t.text for t in analyse("发通知的市南区安委办，主任是谁？", EMPTY).focus] == ["主任"]
    # "X的Y有什么特点" asks about Y, however short, and as a whole: not the subject X, not part of Y.
    assert [t.text for t in analyse("银杏的叶有什么特点？", EMPTY).focus] == ["叶"]
    assert [t.text for t in analyse("水杉的下部枝有什么特点？", EMPTY).focus] == ["下部枝"]


def test_the_holder_of_a_title_asked_is_not_the_organisation_that_acted() -> None:
    chunk = _chunk("为防范复工复产期间发生生产安全事故，市南区安委办制定下发安全防范通知，在全区开展企业安全生产专项行动。")
    answer = _answerer(chunk).answer("发安全防范通知的市南区安委办，主任是谁？", [], _hits(chunk))
    assert answer.refused and "安委办制定" not in answer.text
    named = _chunk("市南区安委办主任张明介绍，全区开展企业安全生产专项行动。")
    assert "张明" in _answerer(named).answer("发安全防范通知的市南区安委办，主任是谁？", [], _hits(named)).text


def test_a_belief_checked_by_a_yes_no_question_is_no_condition() -> None:
    """"…，是市政府主办的吧？" states what the asker believes: the sentence saying who
    did answers it (no), though it names another body. A tag ("是这样吧") is no belief."""
    assert analyse("那次年会，是青岛市政府牵头主办的吧？", EMPTY).answer_type == "yesno"
    assert analyse("他一个人管着一万多户人家的暖气，是这样吧？", EMPTY).answer_type != "yesno"
    stated = {c.value for c in analyse("凤麟核那个项目，是国家自然科学基金给批的吧？", EMPTY).constraints}
    assert "国家自然科学基金" not in stated
    chunk = _chunk("中国自然资源学会2022年学术年会由中国自然资源学会、中国科学院海洋研究所主办。")
    answer = _answerer(chunk).answer("自然资源学会那次年会，是青岛市政府牵头主办的吧？", [], _hits(chunk))
    assert not answer.refused and "中国科学院海洋研究所" in answer.text


def test_a_districts_plan_is_not_the_whole_citys() -> None:
    """全市 asked: a district's report ("升级15处…" under 市北区's headline) gives the
    district's plan. 全市 in a meeting's name ("全市…推进大会") asks about no scope."""
    district = _chunk("升级15处居家社区养老服务中心，打造1处示范性失智老年人日间照护中心。", title="市北区：稳经济促转型惠民生")
    assert _answerer(district).answer("全市要升级多少处居家社区养老服务中心？", [], _hits(district)).refused
    assert "15处" in _answerer(district).answer("要升级多少处居家社区养老服务中心？", [], _hits(district)).text
    city = _chunk("全市升级15处居家社区养老服务中心。", title="市北区：稳经济促转型惠民生")
    assert "15处" in _answerer(city).answer("全市要升级多少处居家社区养老服务中心？", [], _hits(city)).text
    meeting = _chunk("升级15处居家社区养老服务中心。", title="市北区：稳经济促转型惠民生")
    assert "15处" in _answerer(meeting).answer("全市养老工作会议上说要升级多少处居家社区养老服务中心？", [], _hits(meeting)).text


def test_an_english_role_with_a_word_before_its_title_needs_a_holder() -> None:
    """"Who is the plant manager of…": a role asked (manager, with the word saying of
    what), so a sentence about the plant that names nobody does not answer."""
    chunk = _chunk("2021年团岛污水处理厂与青岛啤酒厂合作实现啤酒废水与市政污水分类处理。")
    assert _answerer(chunk).answer("Who is the plant manager of the Tuandao sewage treatment plant?", [], _hits(chunk)).refused


def test_a_size_asked_is_of_the_noun_before_it() -> None:
    """"台东三路步行街有多长": the length of the street; the greenway's 7.3公里 in a
    sentence that names no street is another thing's length."""
    assert analyse("市北区升级改造的台东三路步行街有多长？", EMPTY).counted == "步行街"
    greenway = _chunk("台东三路步行街升级改造进展迅速。259栋老旧小区改造和7.3公里生态绿道建设全面开工。")
    answer = _answerer(greenway).answer("台东三路步行街有多长？", [], _hits(greenway))
    assert "7.3公里" not in answer.text
    street = _chunk("升级改造后的台东三路步行街全长1.2公里。")
    assert "1.2公里" in _answerer(street).answer("台东三路步行街有多长？", [], _hits(street)).text


def test_a_total_of_kinds_asked_over_a_first_batch_does_not_fail() -> None:
    """"一共拿了哪几类牌子" asks a running total of no figure (a description): a sentence
    naming a batch (首批) once made the batch check iterate over no figure positions."""
    chunk = _chunk("青岛市成功创建“十四五”期间全省首批“平安农机”示范市，全省仅有青岛和威海两市入选。")
    answer = _answerer(chunk).answer("青岛这回在全省“平安农机”评选里一共拿了哪几类牌子？", [], _hits(chunk))
    assert answer.text


def test_the_chief_of_a_rank_is_not_any_holder_of_the_title() -> None:
    """总河长 asked: the river chiefs at every level (各级河长) are not the chief one."""
    levels = _chunk("要突出“一河一策”治理，充分发挥各级河长作用，加强区市、部门协同。")
    assert _answerer(levels).answer("青岛市的总河长是谁？", [], _hits(levels)).refused
    named = _chunk("市委书记、市总河长王明出席会议并讲话。")
    assert "王明" in _answerer(named).answer("青岛市的总河长是谁？", [], _hits(named)).text


def test_constraints_stated_in_the_question() -> None:
    found = {(c.kind, c.value) for c in analyse("市北区2022年全年固定资产投资增速是多少？", EMPTY).constraints}
    assert {("year", "2022"), ("period", "全年"), ("place", "市北区")} <= found
    phases = {(c.kind, c.value) for c in analyse("齐鲁医院三期计划什么时候建成？", EMPTY).constraints}
    assert ("phase", "3期") in phases
    assert ("phase", "第2批") in {(c.kind, c.value) for c in analyse("第二批示范市有哪些？", EMPTY).constraints}
    assert values_of("phase", "第十四届水业论坛，第二十三届博览会") == ["第14届", "第23届"]  # not 第104届
    assert values_of("year", "2007欧锦赛，2000多家企业，共2019人") == ["2007"]  # a year before its event's name, not a count
    whole = {(c.kind, c.value) for c in analyse("How fast did retail grow for the whole of 2022?", EMPTY).constraints}
    assert {("year", "2022"), ("period", "全年")} <= whole
    # An English question names a place by its pinyin and its level ("Jimo District").
    assert ("place", "即墨区") in {(c.kind, c.value) for c in analyse("How many firms are registered in Jimo District?", EMPTY).constraints}
    assert ("contrast:cumulative or rate", "累计") in {(c.kind, c.value) for c in analyse("累计处理了多少污水？", EMPTY).constraints}
    # a result asked in the reader's words: 实打实 is 实际, which a target (保持在) does not answer
    assert ("contrast:result or plan", "实打实") in {(c.kind, c.value) for c in analyse("实打实新增了多少就业？", EMPTY).constraints}
    # both sides of a contrast asked together ("online and offline") are neither side
    both = analyse("How many delegates, online and offline, took part?", EMPTY).constraints
    assert not [c for c in both if c.kind == "contrast:offline or online"]
    assert ("contrast:offline or online", "线下") in {(c.kind, c.value) for c in analyse("线下有多少人参加？", EMPTY).constraints}
    # jieba tags 师傅 as a person's name; a word that is no name states no entity to find.
    assert analyse("物业派单以后修理师傅多快就出门了？", EMPTY).constraints == ()
    # jieba tags 开春 (the start of spring) a place: a time word names no place.
    spring = {(c.kind, c.value) for c in analyse("消费季放在年底到第二年开春这段时间，是想抓住什么时机？", EMPTY).constraints}
    assert spring == set()  # nor is 段时间 (这段时间) anyone's name
    # 城镇 is tagged a place and 功能区 ends like one: neither names one.
    assert {(c.kind, c.value) for c in analyse("市北区2023年要新增多少城镇就业？", EMPTY).constraints} == {
            ("year", "2023"), ("place", "市北区"), ("contrast:one year or several", "新增")}
    assert not [c for c in analyse("哪个功能区只在那场会上设了分会场？", EMPTY).constraints if c.kind == "place"]
    assert ("entity", "滕军红") in {(c.kind, c.value) for c in analyse("滕军红做客民生在线时谈了什么？", EMPTY).constraints}
    assert ("entity", "亚太") in {(c.kind, c.value) for c in analyse("亚太基金会的初始资本是多少？", EMPTY).constraints}


def test_common_words_jieba_tags_as_names_state_no_condition() -> None:
    # 安家 and 上台 are tagged places, 张罗 a person: verbs, not names a sentence must repeat.
    settle = {(c.kind, c.value) for c in analyse("崂山区2023年想拉多少家投资机构来安家？", EMPTY).constraints}
    assert settle == {("year", "2023"), ("place", "崂山区")}
    assert analyse("处长们轮流上台晒成绩的那场比赛是什么时候办的？", EMPTY).constraints == ()
    assert not [c for c in analyse("是不是得她打电话，姜涛才会上门来看看？", EMPTY).constraints if c.kind == "place"]  # 上门 with its direction
    assert not [c for c in analyse("市发改委要张罗的那场论坛叫什么名字？", EMPTY).constraints if c.kind == "entity"]
    # 普通 is tagged a proper name (nz): an everyday word, no name the article must hold
    assert not [c for c in analyse("那篇文章结尾号召咱们普通市民干点啥？", EMPTY).constraints if c.kind == "entity"]
    # jieba's new-word guess glues the word after an unknown name to it: 锦地罗/不, 呋塞米/会
    assert {(c.kind, c.value) for c in analyse("哪个品种的锦地罗不需要冬眠？", EMPTY).constraints} == {("place", "锦地罗")}
    assert {(c.kind, c.value) for c in analyse("为什么呋塞米会导致尿液量增加？", EMPTY).constraints} == {("entity", "呋塞米")}
    # jieba tags 哪些项目 as a name: the question word asks, it names nothing
    assert [c for c in analyse("新区准备开工建设哪些项目？", EMPTY).constraints if not c.kind.startswith("contrast")] == []
    # jieba's name guess 子练 straddles two everyday words (搭台子, 练笔头): nobody to find
    stage = analyse("还给年轻人搭台子练笔头、练嘴皮，这些做法落在哪一块上？", EMPTY)
    assert not [c for c in stage.constraints if c.kind == "entity"]
    assert ("entity", "滕军红") in {(c.kind, c.value) for c in analyse("滕军红讲了什么？", EMPTY).constraints}


def test_a_name_after_a_place_is_the_thing_asked_about() -> None:
    """"纽西兰鸡毛松的树叶": the question is about 鸡毛松, a word no article uses, and an
    article on 纽西兰's regions does not answer it. A word the articles use (越橘), or no
    noun at all after the place ("崂山区希望…"), states no such condition."""
    region = _chunk("吉斯伯恩大区是位于纽西兰北岛东北部的一个地方行政区。越橘是杜鹃花科越橘属的植物。崂山区希望扩大投资。印度是南亚国家。")
    lexical = _lexical(region)

    def named(question: str) -> set[str]:
        return {c.value for c in analyse(question, lexical).constraints if c.kind == "entity"}

    assert "鸡毛" in named("纽西兰鸡毛松的树叶是什么形状的？")
    assert "野驴" in named("印度野驴栖息在哪儿？")
    assert named("欧洲越橘含有什么成分？") == set()
    assert named("崂山区希望投资达到多少？") == set()
    assert "沃斯基" not in named("茨柏克沃斯基是何时进入微软公司任职的？")  # jieba's 茨柏克 is no place any article names
    asked = analyse("纽西兰鸡毛松的树叶是什么形状的？", lexical)
    assert not any(verify(asked, candidate).ok for candidate in candidates(asked, _hits(region), Articles(None)))


def test_a_share_asked_is_of_the_thing_before_zhan() -> None:
    """"数字经济核心产业增加值占生产总值的比重": the share is that thing's, and another
    增加值's share is no answer, even right after a sentence that names the asked thing."""
    question = "数字经济核心产业增加值占全区生产总值的比重是百分之几？"
    assert analyse(question, EMPTY).counted == "数字经济核心产业增加值"
    other = "“四新”经济增加值占生产总值比重提升至43%。"
    asked = analyse(question, EMPTY)
    chunk = _chunk(f"数字经济核心产业增加值占比保持全市第一。{other}")
    second = next(c for c in candidates(asked, _hits(chunk), Articles(None)) if c.text.startswith("“四新”"))
    assert not verify(asked, second).ok
    assert not verify(asked, second, "数字经济核心产业增加值占比保持全市第一。").ok  # the asked thing, then another's figure
    assert _verdict(question, "数字经济核心产业增加值占生产总值比重提升至12%。").ok


def test_a_soldiers_barracks_is_where_the_army_is() -> None:
    """"连部队里也去讲吗": 部队 is the reader's word for 军营 (a [synonyms] line)."""
    army = next(t for t in analyse("专家教授下基层讲党课，连部队里也去讲吗？", EMPTY).terms if t.text == "部队")
    assert army.found_in("专家教授则进机关、进校园、进军营讲授主题党课。")


def test_the_first_months_of_a_year_are_one_period_however_written() -> None:
    """前10个月, 前十个月, 1-10月 and 一至十月 are the same months: a question in one spelling is
    answered by a sentence in another, and 前三季度 is still another period."""
    assert {v for t in ("前10个月", "前十个月", "1-10月，", "一至十月", "1至10月") for v in values_of("period", t)} == {"1-10月"}
    asked = "崂山区今年前10个月限上零售业的增速比全市高出几个百分点？"
    assert _verdict(asked, "1-10月，崂山区限上零售业增速高达22.1%，高于全市9.9个百分点。").ok
    assert not _verdict(asked, "前三季度，崂山区限上零售业增速高达22.1%，高于全市9.9个百分点。").ok


def test_one_month_asked_is_a_period_not_a_topic_word() -> None:
    """"10月这一个月的增速": the month is a condition (1-10月 is another period), and
    一个月 is no word an article must hold for a partial answer to be on topic."""
    asked = analyse("崂山区10月这一个月的限上零售业增速是多少？", EMPTY)
    assert ("period", "10月") in {(c.kind, c.value) for c in asked.constraints}
    assert "一个月" not in {t.text for t in asked.terms}
    whole = analyse("2022年7月一整个月，青岛的降雨量是多少毫米？", EMPTY)
    assert ("period", "7月") in {(c.kind, c.value) for c in whole.constraints} and "整个" not in {t.text for t in whole.terms}
    assert not [c for c in analyse("1970年4月，他担任什么职务？", EMPTY).constraints if c.kind == "period"]  # a date, no period
    # in English too: the whole of February is 2月, and one day of it no answer
    february = "How many enterprises in Jimo resumed work over the whole of February 2024?"
    assert ("period", "2月") in {(c.kind, c.value) for c in analyse(february, EMPTY).constraints}
    assert not _verdict(february, "2月18日，即墨区近3000家企业开工。").ok
    assert not [c for c in analyse("What opened in February 2024?", EMPTY).constraints if c.kind == "period"]


def test_which_year_asks_and_says_nothing_of_one_year() -> None:
    """"哪一年建成的": jieba keeps 哪一年 and its 一年 as words. Neither is a topic word an
    article must hold, and 一年 there is no "in one year" (as against 连续, 累计)."""
    asked = analyse("科技园一期是哪一年建成的？", EMPTY)
    assert {t.text for t in asked.terms}.isdisjoint({"哪一年", "一年"})
    assert [c.kind for c in asked.constraints] == ["phase"]
    assert ("contrast:one year or several", "一年") in {(c.kind, c.value) for c in analyse("一年能处理多少吨？", EMPTY).constraints}


def test_the_filler_of_a_spoken_question_is_no_term() -> None:
    # 想, 往 and 专门 are in no news article: as terms they would only dilute the coverage.
    terms = {t.text for t in analyse("崂山区想拉多少家专门往新创公司里投钱的机构落户？", EMPTY).terms}
    assert {"想", "往", "专门"}.isdisjoint(terms) and {"机构", "落户"} <= terms
    # 来 is said where the fact is ("用它来制造氢气"): it stays a term.
    assert "来" in {t.text for t in analyse("研究人员使用了什么来附着酶到电极上？", EMPTY).terms}
    assert not rules().filler & set(rules().synonyms)  # a word a synonym stands for carries the topic


def test_a_spoken_question_word_is_no_topic_word_a_neighbour_fact_must_hold() -> None:
    # 哪儿 asks where, as 哪里 does: as a term no article holds, it kept the other
    # district's report from counting as on the topic, and a weak match was quoted instead
    assert "哪儿" not in {t.text for t in analyse("全区首家公立社区医院建在哪儿？", EMPTY).terms}
    other = _chunk("2023年，市北区将推动齐鲁医院二期建成运营，全区首家公立社区医院建成启用。", title="市北区：稳经济促转型")
    answer = _answerer(other).answer("崂山区2023年要建成启用的全区首家公立社区医院，建在哪儿？", [], _hits(other))
    assert answer.refused and answer.partial and "市北区" in answer.text


def test_a_range_asked_is_answered_by_a_sentence_giving_one() -> None:
    """"一块从多大到多大": a sentence with one area (总建筑面积9.4万平方米) does not answer it."""
    total = _chunk("中天润园区给企业留出灵活使用的场地，一块总建筑面积9.4万平方米，预计2023年8月份交付使用。")
    spaces = _chunk("青岛中天润设置了200-2000平方米的灵动空间，首层层高6米。", article="b.txt#0", title="另一篇报道")
    answer = _answerer(total, spaces).answer("中天润园区给企业留出的可以灵活使用的场地，一块从多大到多大？", [], _hits(total, spaces))
    assert not answer.refused and answer.citations[0].quote.startswith("青岛中天润设置了200-2000平方米")


def test_a_quoted_word_no_article_uses_is_the_askers_wording() -> None:
    """Scare quotes round a reader's own word ("大块头", "打包一次办") or a pattern
    ("××实践") set off wording, not a name the articles must hold; a quoted name the
    articles use, a 《title》 and what the question is about stay conditions."""
    lexical = _lexical(_chunk("瞄准500强、大型央企省企、行业百强等领军企业。推动“两带三区”蝶变焕新。恶人谷。"))

    def named(question: str) -> set[str]:
        return {c.value for c in analyse(question, lexical).constraints if c.kind == "entity"}

    assert named("打算重点盯住哪几类叫得上号的“大块头”企业？") == set()
    assert "中国式现代化的××实践" not in named("“中国式现代化的××实践”分别说的是什么实践？")
    assert named("市北区描绘了怎样的“两带三区”图景？") == {"两带三区"}
    assert named("《大块头》是谁写的？") == {"大块头"}
    assert "五大恶人" in named("中国足球“五大恶人”是哪些人？")  # the question is about it
    # a quote that reads as a clause (带着: a verb with its aspect particle) describes; it names nothing
    assert named("还要提升一种“一个大平台带着一批专业平台”的平台功能，这种平台叫什么？") == set()
    # a quoted verb describes what the thing does, even in the subject: a name has a noun
    assert "看透" not in named("凤麟核那台能“看透”物件里头的中子相机，是哪一年弄出来的？")


def test_a_pointer_and_the_naming_question_are_no_terms() -> None:
    """"要张罗的那场大会叫什么名字": 那场 only points at the topic and 叫什么名字 only asks
    for a name; as terms no article says they would lower how much of the question an
    article covers. An article's own 这个 ("这个供暖季") stays a term."""
    lexical = _lexical(_chunk("这个供暖季，筹备办好首届中国—中亚国家产业与投资合作论坛。"))
    terms = {t.text for t in analyse("市发改委要张罗的那场大会叫什么名字？", lexical).terms}
    assert {"那场", "名字"}.isdisjoint(terms) and {"大会", "张罗"} <= terms
    assert "这个" in {t.text for t in analyse("这个供暖季办什么论坛？", lexical).terms}
    # the origin of a name is a topic: "名字的由来" keeps 名字
    assert "名字" in {t.text for t in analyse("四加亭名字的由来是什么？", lexical).terms}


def test_a_country_asked_is_said_in_the_papers_compounds() -> None:
    japan = Constraint("place", "日本")
    assert japan.said_in("建设中日（青岛）地方发展合作示范区") and japan.said_in("日本企业")
    assert not japan.said_in("推动中韩地方经济合作示范区建设")


def test_the_collections_districts_are_conditions_where_jieba_cuts_them_apart() -> None:
    # jieba cuts 即墨/区 and 西海岸/新区; rules.toml [places] finds them as written
    assert ("place", "即墨区") in {(c.kind, c.value) for c in analyse("即墨区有多少家企业开工？", EMPTY).constraints}
    found = [(c.kind, c.value) for c in analyse("西海岸新区连续几年入选百强区？", EMPTY).constraints if c.kind == "place"]
    assert found == [("place", "西海岸新区")]


def test_a_verb_of_going_glued_to_an_unknown_name_is_cut_off() -> None:
    # jieba cuts "上延福/花园" and tags it a name; the name asked is 延福, the 上 is "went to".
    found = {(c.kind, c.value) for c in analyse("姜涛第二次上延福花园量了几个屋子的温度？", EMPTY).constraints}
    assert ("entity", "延福") in found and ("entity", "上延福") not in found
    # A name the dictionary knows keeps its first character.
    assert ("place", "上海市") in {(c.kind, c.value) for c in analyse("去年上海市的目标是多少？", EMPTY).constraints}


def test_an_idiom_meets_the_plain_words_of_the_article() -> None:
    """"开过什么先河": the article says 第一个实行分户计量."""
    assert {t.text: t for t in analyse("那个站在李沧区开过什么先河？", EMPTY).terms}["先河"].found_in("作为李沧区第一个实行分户计量的换热站")


def test_a_two_digit_number_also_matches_its_chinese_numerals() -> None:
    """"严长寿23岁时做了什么": the article writes 二十三岁."""
    terms = {t.text: t for t in analyse("严长寿23岁时做了什么？", EMPTY).terms}
    assert terms["23"].found_in("二十三岁经父母的朋友介绍，进入美国运通。")
    assert not terms["23"].found_in("二十岁时，他进入美国运通。")
    assert {t.text: t for t in analyse("他15岁时去了哪里？", EMPTY).terms}["15"].found_in("十五岁时他去了上海。")
    assert "三" not in {t.text: t for t in analyse("3个项目在哪里？", EMPTY).terms}["3"].alternatives  # one digit: too common
    assert not {t.text: t for t in analyse("11月13日的报道谈了什么？", EMPTY).terms}["13"].found_in("市委十三届二次全会")  # a day


def test_the_count_a_list_question_asks_for_is_no_question_word() -> None:
    asked = analyse("赵豪志12月6日下午出席了哪两场会议？", EMPTY)
    assert asked.count == 2 and "两场" not in {t.text for t in asked.terms} and "会议" in {t.text for t in asked.terms}
    # nor is the measure word of 哪所, 哪家: "哪所大学" would find 研究所
    words = {t.text for t in analyse("马飚毕业于哪所大学？", EMPTY).terms}
    assert "所" not in words and {"毕业", "大学"} <= words
    # nor the 几个 of "打造几个中心", which no article holds where it gives the number
    words = {t.text for t in analyse("市北区打算新打造几个数字化转型赋能中心？", EMPTY).terms}
    assert not any("几" in word for word in words) and "中心" in words
    # the counted noun stays apart from the question word: "哪三样家底" glued to 哪家底 read as 哪家 and 底
    words = {t.text for t in analyse("是把手里哪三样家底攥到了一块儿？", EMPTY).terms}
    assert "家底" in words and {"哪家", "底"}.isdisjoint(words)
    # and the "thing" of "哪两件事" is no topic word
    assert "事" not in {t.text for t in analyse("它在养老上打算干哪两件事？", EMPTY).terms}


def test_two_questions_in_one_are_split() -> None:
    assert split_question("市北区的目标是多少？崂山区呢？") == ["市北区的目标是多少？", "崂山区呢？"]
    assert split_question("市北区和崂山区各自的目标是多少？") == ["市北区的目标是多少？", "崂山区的目标是多少？"]
    assert split_question("市北区和崂山区的增长目标各是多少？哪个区定得高？") == [
        "市北区的增长目标是多少？", "崂山区的增长目标是多少？", "哪个区定得高？"]
    # An English question of two clauses: the second keeps the words that set the scene.
    assert split_question("In the Laoshan District report, how many projects are pushed each year, and how fast should "
                          "that investment grow?") == ["In the Laoshan District report, how many projects are pushed each year?",
                                                       "In the Laoshan District report, how fast should that investment grow?"]
    assert split_question("How many firms and shops opened?") == ["How many firms and shops opened?"]
    # a preposition may lead the second clause, and one leading the first sets no scene
    assert split_question("In which building does the couple live, and in how many rooms did he measure?") == [
        "In which building does the couple live?", "in how many rooms did he measure?"]
    # "分别/各…" asks about each item of the part before: one question, not two
    assert split_question("哪几篇是本报讯？分别是谁写的？") == ["哪几篇是本报讯？分别是谁写的？"]


# ----- verification ---------------------------------------------------------------

def _verdict(question: str, text: str, title: str = "测试报道", date: str = "2022-12-06"):
    chunk = _chunk(text, title=title, date=date)
    asked = analyse(question, EMPTY)
    (candidate,) = candidates(asked, _hits(chunk), Articles(None))
    return verify(asked, candidate)


def test_a_rainstorms_claims_are_counted_not_measured() -> None:
    """"How many rainstorm insurance claims": a count (1300余笔), not the rain's 100毫米."""
    question = "How many rainstorm insurance claims had the insurer accepted?"
    assert "米" not in analyse(question, EMPTY).units and "笔" in analyse(question, EMPTY).units
    assert "毫米" in analyse("How much rain fell in the heaviest hit areas?", EMPTY).units


def test_people_asked_are_counted_in_people() -> None:
    """"How many people watched the livestream": 2层 counts floors, not viewers, though 层
    is a measure word; "the People's Congress" names no one counted, and a job is
    counted as 个 as well as 人."""
    question = "How many people watched the online livestream of the topping-out ceremony?"
    assert "层" not in analyse(question, EMPTY).units
    floors = _chunk("封顶仪式以线上直播方式举办，主楼共2层。")
    assert _answerer(floors).answer(question, [], _hits(floors)).refused
    viewers = _chunk("封顶仪式以线上直播方式举办，3万人在线观看。")
    assert "3万人" in _answerer(viewers).answer(question, [], _hits(viewers)).text
    assert "人" in analyse("青岛市常住人口有多少？", EMPTY).units and "层" not in analyse("青岛市常住人口有多少？", EMPTY).units
    assert not analyse("At which session of the Laoshan District People's Congress were the goals presented?", EMPTY).units
    assert "个" in analyse("How many jobs will the programme create?", EMPTY).units


def test_a_count_pointed_with_is_no_unit_asked() -> None:
    """"规模、期限和票面利率这几项基本要素分别是多少": 这几项 points back at the items listed,
    so the answer is not held to a count in 项; "几项" alone asks one."""
    assert "项" not in analyse("这只债券的规模、期限和票面利率这几项分别是多少？", EMPTY).units
    assert "项" in analyse("这次一共推出了几项措施？", EMPTY).units


def test_a_reporter_the_question_names_is_found_in_the_byline() -> None:
    """"王冰洁写的那篇规划局报道里": the name is the article's byline, not its text."""
    chunk = _chunk("“我们将严真细实快推进规划工作。”市自然资源和规划局市政交通规划处处长李志强说。", byline="记者 王冰洁")
    asked = analyse("王冰洁写的那篇规划局报道里，是哪位处长说要做好规划？", EMPTY)
    assert any(c.kind == "entity" and c.value == "王冰洁" for c in asked.constraints)
    assert all(verify(asked, candidate).ok for candidate in candidates(asked, _hits(chunk), Articles(None)))
    other = _chunk("“我们将严真细实快推进规划工作。”市自然资源和规划局市政交通规划处处长李志强说。", byline="记者 吴帅")
    assert not any(verify(asked, candidate).ok for candidate in candidates(asked, _hits(other), Articles(None)))


def test_a_kind_every_name_says_must_be_in_the_answer() -> None:
    """"在哪家医院去世的": every hospital's name says 医院, so a sentence without the word
    names none. A school or a company may be named without its kind (青岛二中, 海发置业)."""
    question = "唐进倬同志最后是在青岛哪家医院去世的？"
    assert not _verdict(question, "唐进倬同志因病医治无效，于2023年1月1日在青岛逝世，享年90岁。").ok
    assert _verdict(question, "唐进倬同志于2023年1月1日在青岛市立医院逝世。").ok
    assert not _verdict("In which hospital did Tang Jinzhuo die?", "唐进倬同志于2023年1月1日在青岛逝世。").ok
    assert _verdict("他毕业于哪所学校？", "他毕业于青岛二中。").ok
    assert _verdict("马飚毕业于哪所大学？", "马飚毕业于中央民族学院政治系。").ok  # a university may be a 学院
    underwriter = "财通集团那只债券由哪家券商担任主承销商？"  # a securities firm's name says 证券
    assert not _verdict(underwriter, "青岛财通集团有限公司日前在深圳成功发行青岛首单创新创业公司债券，债券规模为5亿元。").ok
    assert _verdict(underwriter, "财通集团这只债券由中信证券担任主承销商。").ok


def test_a_sentence_about_another_document_does_not_date_the_one_asked() -> None:
    """"《…创建规范》是哪一年制定出台的": a sentence dating another document it names is about
    that one; a short form of the asked title, or an article headed by it, is not."""
    question = "《青岛市综合减灾示范社区创建规范》是哪一年制定出台的？"
    chunk = _chunk("市应急管理局在全省率先制定《青岛市综合减灾示范社区创建规范》。"
                   "2022年以来，市应急管理局制定《关于进一步加强安全生产工作的若干措施》，提出32项创新举措。")
    asked = analyse(question, EMPTY)
    other = next(c for c in candidates(asked, _hits(chunk), Articles(None)) if "若干措施" in c.text and "创建规范" not in c.text)
    assert not verify(asked, other).ok
    assert _verdict(question, "2022年，市应急管理局制定《青岛市综合减灾示范社区创建规范》。").ok
    assert _verdict("《决议》是哪天通过的？", "11月12日，全会审议通过了《中共青岛市委关于深入学习宣传贯彻党的二十大精神的决议》。").ok
    adapted = "《宇宙奇兵》是何时被改编的？"
    assert _verdict(adapted, "1986年，该作被改编为漫画《星际战记》。", title="宇宙奇兵").ok


def test_a_body_the_sentence_leaves_unnamed_is_not_answered() -> None:
    """"是哪家保险公司" of a sentence calling it only what the question does ("承保公司"), or
    某: the articles do not name it. A sentence naming one of its kind still answers."""
    question = "那场暴雨后负责理赔的灾害民生综合保险承保公司，是哪家保险公司？"
    assert not _verdict(question, "灾情发生后，灾害民生综合保险承保公司迅速反应，立刻启动大灾快速理赔通道。").ok
    assert _verdict(question, "灾情发生后，承保公司中国人保财险青岛分公司迅速反应。").ok
    worker = "收到报修的郑召斌是哪家物业公司的员工？"
    assert not _verdict(worker, "近日，某小区物业工作人员郑召斌收到这样一条消息。").ok
    assert _verdict(worker, "近日，青岛海信物业工作人员郑召斌收到这样一条消息。").ok
    assert not _verdict("盐滩村拆迁里积极配合的那家开发企业叫什么名字？", "由区级平台公司开展土地整理，开发企业积极配合。").ok
    assert _verdict("海梅·雷耶斯是哪家漫画公司的虚拟人物？", "海梅·雷耶斯是DC漫画公司的一个虚拟人物。").ok
    assert _verdict("他在哪家物业公司工作？", "他在海信物业公司工作。").ok
    school = "青钢片区2023年要建的那所九年一贯制学校，叫什么名字？"  # a school, a hospital: bodies too
    assert not _verdict(school, "2023年，开展青钢遗址公园、九年一贯制学校、社区中心等项目建设。").ok
    assert _verdict(school, "2023年开工建设青钢九年一贯制学校等3所学校。").ok


def test_a_later_phase_asked_of_an_article_that_counts_none_is_not_answered() -> None:
    """"第二代相机是什么时候研制成功的" of an article on the camera as one whole: its date is
    the first one's. The first phase asked, or an article that names the phase, still
    answers."""
    text = "凤麟核已于2022年成功研制国际首台智能中子照相相机产品。"
    assert not _verdict("凤麟核的第二代智能中子照相相机是什么时候研制成功的？", text).ok
    assert not _verdict("When was the second phase of the camera plant completed?", "相机工厂于2022年建成投产。").ok
    assert _verdict("凤麟核的智能中子照相相机是什么时候研制成功的？", text).ok
    assert _verdict("张村河水净化厂一期什么时候投入运行？", "张村河水净化厂2018年投入运行。").ok
    assert _verdict("齐鲁医院二期什么时候建成运营？", "推动齐鲁医院二期建成运营，2023年启用。").ok


def test_a_list_of_members_needs_them_listed() -> None:
    """"这“五区”具体是哪五个区": a clause that only repeats the name counting them lists
    no member; one that lists them answers, and a list asked of other things is not held
    to the name the question mentions on the way."""
    question = "要持续抓好“五区同创”，这“五区”具体是哪五个区？"
    assert not _verdict(question, "持续抓好“五区同创”，奋力推进中国式现代化的崂山实践。").ok
    assert _verdict(question, "“五区同创”即创建甲区、乙区、丙区、丁区和戊区。").ok
    english = "What are the names of the four specialised industrial parks (四大专业园区) the new area plans to build?"
    assert not _verdict(english, "高标准建设四大专业园区，提速建设36个项目。").ok
    other = "在深入实施“八项工程”的同时，还要统筹推进哪几件事？"
    assert _verdict(other, "深入实施“八项工程”，统筹推进强链补链。").ok


def test_the_issue_a_question_points_to_dates_the_article() -> None:
    """"According to the November 2022 report" names the paper's month, not the fact's
    year: an article of that month answers though its sentences name 2023, one of
    another month does not, and an undated issue is judged by the year."""
    asked = analyse("According to the November 2022 report, how many lifts were added in Shibei District?", EMPTY)
    assert ("issue", "2022-11") in {(c.kind, c.value) for c in asked.constraints}
    assert not any(c.kind == "year" for c in asked.constraints)
    assert not any(term.text in {"报道", "报告", "11月"} for term in asked.terms)  # the issue is no topic
    chinese = {(c.kind, c.value) for c in analyse("2022年11月那篇报道说市北区新增了多少个公办学位？", EMPTY).constraints}
    assert ("issue", "2022-11") in chinese and ("year", "2022") not in chinese
    # a year stated again, apart from the issue, stays a year asked
    again = {(c.kind, c.value) for c in analyse("2024年2月那期说2023年完工了几个项目？", EMPTY).constraints}
    assert {("issue", "2024-02"), ("year", "2023")} <= again
    # a title's year is no issue: "the 2022 China Digital City Competitiveness report"
    assert ("year", "2022") in {(c.kind, c.value) for c in analyse("Where did Qingdao rank in the 2022 China Digital City report?", EMPTY).constraints}
    question = "According to the November 2022 report, how many lifts were added?"
    assert _verdict(question, "预计2023年完工，107部既有住宅加装电梯。", date="2022-11-14").ok
    assert not _verdict(question, "107部既有住宅加装电梯。", date="2023-01-05").ok
    assert _verdict(question, "2022年，107部既有住宅加装电梯。", date="").ok  # undated: the year decides
    assert not _verdict(question, "2023年，加装电梯100部以上。", date="").ok
    both = "2022年11月那期和2024年2月那期里，各加装了多少部电梯？"
    assert _verdict(both, "加装电梯100部。", date="2024-02-22").ok and _verdict(both, "加装电梯107部。", date="2022-11-14").ok


def test_a_follow_up_stays_in_the_issue_the_conversation_points_to() -> None:
    """"2022年11月那篇报道说…", then "那老楼加装电梯呢？装了多少部？": the follow-up asks the
    same report, so the other issue's lifts do not answer it; a follow-up naming an issue
    of its own keeps that one."""
    november = _chunk("107部既有住宅加装电梯，惠及居民3000余户。", article="a.txt#0", date="2022-11-14")
    january = _chunk("全年加装电梯100部。", article="b.txt#0", date="2023-01-05")
    history = [{"role": "user", "content": "2022年11月那篇报道说市北区新增了多少个公办学位？"},
               {"role": "assistant", "content": "市北区加快配套学校建设，新增公办学位1500个。[1]"}]
    answer = _answerer(january, november).answer("那老楼加装电梯呢？装了多少部？", history, _hits(january, november))
    assert "107部" in answer.text and "100部" not in answer.text
    own = _answerer(january, november).answer("那2023年1月那篇报道里加装了多少部电梯？", history, _hits(january, november))
    assert "100部" in own.text and "107部" not in own.text


@pytest.mark.parametrize(
    ("question", "text", "instead"),
    [
        ("市北区2024年计划新增多少个公办学位？", "市北区2023年增加公办学位5000个以上。", "2023年"),
        ("市北区2022年全年固定资产投资增速是多少？", "市北区前三季度固投增速15%，全市位列第4。", "前三季度"),
        ("齐鲁医院三期什么时候建成运营？", "推动齐鲁医院二期建成运营。", "2期"),
        ("第二批示范市有哪些城市？", "青岛和威海入选全省首批示范市。", "第1批"),
        ("李沧区1-10月限上零售业增速是多少？", "崂山区1-10月限上零售业增速22.1%。", "崂山区"),
        ("团岛污水处理厂累计处理了多少污水？", "团岛污水处理厂日处理能力10万吨。", "日处理"),
        ("明年的出口目标是多少？", "今年出口增长10%。", "今年"),
        ("崂山区2022年地区生产总值是多少亿元？", "2022年崂山区新落户重点项目166个，投资规模387亿元。", "投资规模"),
        ("市北区社会消费品零售总额增长多少？", "市北区一般公共预算收入增长8.1%。", "一般公共预算收入"),
        ("西海岸新区2023年上半年规上工业增加值增长了多少？", "2023年，西海岸新区规上工业增加值增长6.2%。", "2023年"),
        ("崂山区2023年工业产值是多少？", "2023年，崂山区规上工业增加值同比增长14.4%。", "增加值"),
        ("港口集装箱吞吐量是多少？", "青岛港货物吞吐量6.6亿吨。", "货物吞吐量"),
        ("光伏电站的发电量是多少？", "光伏电站装机容量100兆瓦。", "装机容量"),
        # an investment asked, an output value given (and the other way round in English,
        # where the side said nearest "how much" is the one asked)
        ("京东方项目总投资是多少？", "促进京东方等已投产重点项目达产满产，产值超过500亿元。", "产值"),
        ("那31个涉农大项目总投资一共多少？", "今年统筹推进31个涉农大项目建设，确保农产品出口50亿美元以上。", "出口"),  # trade, not investment
        ("What is the total investment of the Jinzi R&D headquarters?", "新开工金字数字生态研发总部等项目，年内实现产值50亿元以上。", "产值"),
        ("The services covered 3 billion yuan of direct investment. How much output value was involved?", "涉及投资规模30亿元的项目。", "投资规模"),
        ("社会消费品零售总额环比增长多少？", "社会消费品零售总额同比增长5%。", "同比"),
        ("崂山区1-10月限上餐饮业的增速是多少？", "1-10月，崂山区限上零售业增速高达22.1%。", "零售业"),
        ("学术年会线下到场的代表有多少名？", "共13600余名代表通过线上线下相结合的方式开展了探讨。", "线上线下"),
        ("那36个重点水利项目计划总投资一共多少？", "36个重点水利项目进展顺利，完成投资21.5亿元。", "完成投资"),
        ("When will the third phase of Qilu Hospital open?", "推动齐鲁医院二期建成运营。", "2期"),
        ("到目前为止，金融区累计落户了多少个重点项目？", "2022年金融区新落户重点项目166个。", "新落户"),
        ("崂山区眼下一共聚集了多少家金融机构？", "2023年，崂山区将新引进金融机构和类金融企业100家。", "新引进"),  # 眼下 is 目前
        ("到现在为止，高新区一共帮企业对接了多少次需求？", "高新区全年新开工项目30个，成功对接企业需求150次以上。", "全年"),  # so far, not a year's
        ("市北区到现在一共有多少户家庭在领租赁补贴？", "市北区新增公共租赁住房租赁补贴家庭1200户。", "新增"),  # this year's additions, no total
        ("市北区眼下全区一共有多少所公办幼儿园？", "市北区新建成双山小学等3所学校及3所公办园。", "新建成"),  # the year's new ones, not all
        # the newly registered asked, the stock a place has given; one batch asked, a running total given
        ("胶州市新注册了多少家工业企业？", "胶州市拥有注册工业企业1.5万家。", "拥有"),
        ("胶州市现在有多少家规上工业企业？", "胶州市拥有注册工业企业1.5万家。", "注册工业企业"),  # above a size, not all registered
        ("最新一批全国综合减灾示范社区里，青岛有几个社区入选？", "截至目前，我市共创建综合减灾示范社区424个，其中全国135个。", "截至目前"),
        ("2022年全年，市北区发放了多少救助资金？", "市北区累计发放低保、特困供养、临时救助等各类资金3.24亿元。", "累计"),
        ("全市地铁已经通车的线路有多少公里？", "轨道交通全部在建线路达到11条，共219公里。", "在建"),
        ("How many kilometres of the metro are open to traffic?", "轨道交通全部在建线路达到11条，共219公里。", "在建"),
        ("How much sewage has the plant treated in total?", "团岛污水处理厂日处理能力10万吨。", "日处理"),
        ("团岛污水处理厂现在每天实际处理多少吨污水？", "团岛污水处理厂日处理能力10万吨。", "处理能力"),
        ("胶州市规上工业增加值这4年加起来一共增长了多少？", "2023年胶州市规上工业增加值增速12.8%，连续4年保持两位数增长。", "增速"),
        ("崂山区10月这一个月的限上零售业增速是多少？", "1-10月，崂山区限上零售业增速高达22.1%。", "1-10月"),
        # a running total counted to another month's end
        ("截至2022年6月底，保险公司共受理了多少笔理赔案件？", "截至当年7月底，承保公司共受理暴雨理赔案件1300余笔。", "7月底"),
        ("By the end of June 2022, how many claims had the insurer accepted?", "截至当年7月底，承保公司共受理暴雨理赔案件1300余笔。", "7月底"),
        # the phase is the project's: another project's 一期 in the same sentence is no match
        ("科技园（莱钢地块）一期是哪一年建成的？", "推动科技园（莱钢地块三期）等项目开工，研究院一期等项目竣工。", "3期"),
        ("综保区的预验收是哪天通过的？", "综保区争取2023年1月完成正式验收。", "正式验收"),
        # an English event, by its English word: the sentence dates another event
        ("In which year was the China Society of Natural Resources founded?", "11月12日至13日，中国自然资源学会2022年学术年会在青岛召开。", "召开"),
        ("青岛第二座全地下污水处理厂是哪一座？", "张村河水净化厂作为青岛市首座全地下污水处理厂，2018年投入运行。", "首座"),
        # the first in the country asked, the first in the province given
        ("全国第一个面向公众开放的数据平台是哪个城市的？", "青岛市数据平台是全省首个面向公众开放的市级数据平台。", "全省首个"),
        # the session of a congress's term: 一次全会 asked, 二次全会 written
        ("市委十三届一次全会审议通过了什么文件？", "市委十三届二次全会审议通过了《决议》。", "2次"),
        ("在西岸城区计划关停多少台燃煤锅炉？", "计划利用三年时间，在东岸城区关停燃煤锅炉56台。", "东岸"),
        ("2008年世锦赛中，她刷新的世界纪录是多少？", "一周后参加2007欧锦赛，再和队友刷新4x50米自由式世界纪录。", "2007年"),
        ("青岛一年能给多少个老旧小区装上智慧安防设施？", "目前，全市一千余个老旧开放式小区，已基本实现智慧安防设施全覆盖。", "目前"),
        # a running total asked, one batch's count given
        ("到目前为止，一共累计有几座污水厂获评标杆水厂？", "在第十四届论坛上，第二期标杆比选活动结果揭晓，33座污水厂榜上有名。", "2期"),
        # a total since the start asked, one year's result given, which says no total
        ("这些年累计已经把多少公里高压线缆埋到了地下？", "2022年完成4公里空中高压线缆入地。", "2022年"),
        # the sum insured asked, only the premiums and the claims paid given
        ("这三年一共给市民提供了多少保险金额的保障？", "连续三年合计为市民投入保费6842万元、理赔4840万元。", "保费"),
        # the date of another event: handed over, not started
        ("产业园是什么时候开工建设的？", "产业园项目预计2023年8月份交付使用。", "交付"),
        # when it happened asked, when it is to happen given
        ("产业园最后是哪天正式交付使用的？", "产业园项目位于书安路8号，预计2023年8月份交付使用。", "预计"),
        # cities outside the province asked, those inside given
        ("Which cities outside Shandong Province have signed 'cross-regional service' agreements?",
         "主动联系山东省内16个地市23个县区签署“跨域通办”长期战略合作协议。", "省内"),
    ],
)
def test_verification_rejects_a_neighbouring_fact(question: str, text: str, instead: str) -> None:
    verdict = _verdict(question, text)
    assert not verdict.ok and verdict.partial
    assert verdict.instead == instead


def test_the_chinese_an_english_question_spells_is_what_the_span_is_about() -> None:
    """"acupoint-style supervision (点穴式督导)": a sentence of the same article counting
    another service does not answer; one naming it, quote marks and all, does, and so does
    one whose headline names it."""
    asked = "How many rounds of 'acupoint-style' targeted supervision (点穴式督导) has the bureau carried out?"
    assert not _verdict(asked, "目前，市应急管理局开展“嵌入式”审批服务共6次。").ok
    assert _verdict(asked, "目前，市应急管理局开展“点穴式”督导共3次。").ok
    assert _verdict(asked, "目前共开展3次。", title="点穴式督导显成效").ok


def test_an_english_question_names_its_event_in_whole_words() -> None:
    """"founded" is the event of 成立, and "into service grids" or "designed" names none:
    a word inside another word, or a phrase of another sense, is no event."""
    assert "成立" in analyse("In which year was the society founded?", EMPTY).event
    assert analyse("When was the building designed?", EMPTY).event == ()
    recognised = "In which year was COSMOPlat recognised as a national-level industrial internet platform?"
    assert "入选" in analyse(recognised, EMPTY).event
    assert not _verdict(recognised, "2023年，崂山区发挥卡奥斯等国家级工业互联网平台作用，深化“工赋青岛”行动。").ok
    assert _verdict(recognised, "2019年，卡奥斯入选国家级工业互联网平台。").ok
    became = "In which year did Wang Baolan become director of the bureau?"
    assert not _verdict(became, "市应急管理局2022年初开始试行行政审批“精致化”管理。").ok
    assert _verdict(became, "2021年，王保岚出任市应急管理局局长。").ok
    assert analyse("What did the bureau open up when it divided the areas into service grids?", EMPTY).event == ()


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("市北区2023年力争引进多少个亿元项目？", "市北区2023年力争引进亿元项目80个以上。"),
        ("市北区前三季度固投增速是多少？", "市北区前三季度固投增速15%。"),
        ("二期什么时候建成？", "推动齐鲁医院第二期建成运营。"),
        ("张村河水净化厂累计补水多少？", "张村河水净化厂累计实现河道生态补水5369万吨。"),
        ("崂山区1-10月限上零售业增速是多少？", "1-10月，崂山区限上零售业增速高达22.1%，高于全市9.9个百分点。"),
        ("市北区GDP增长了多少？", "市北区地区生产总值增长6.1%，固定资产投资增长10%。"),
        ("项目总投资约多少？", "项目总投资额121.9亿元。"),
        ("全市在建的地铁线路有多少公里？", "轨道交通全部在建线路达到11条，共219公里。"),
        # 开工建设 is being built, though the sentence also names schools in use
        ("Which kindergarten is under construction?", "海尔学校等学校已竣工投入使用，新南路幼儿园等学校已开工建设。"),
        ("芯恒源存储芯片封测项目总占地面积有多少亩？", "芯恒源存储芯片封测项目总占地面积120亩。"),
        ("重点水利项目计划总投资多少？", "重点水利项目计划总投资60亿元，已完成投资21.5亿元。"),
        ("重点水利项目已经完成投资多少？", "重点水利项目已完成投资21.5亿元。"),
        ("污水厂的日处理能力是多少？", "团岛污水处理厂日处理能力10万吨。"),
        ("胶州市规上工业增加值增速是多少？", "2023年胶州市规上工业增加值增速12.8%，连续4年保持两位数增长。"),
        ("Which hospital's second phase will be finished in 2023?", "2023年推动齐鲁医院二期建成运营。"),
        ("崂山区10月份限上零售业增速是多少？", "10月，崂山区限上零售业增速12%。"),
        ("科技园（莱钢地块）三期什么时候开工？", "推动科技园（莱钢地块三期）等项目开工，研究院一期等项目竣工。"),
        ("第二期一共有几座污水厂获评标杆水厂？", "第二期标杆比选活动结果揭晓，33座污水厂榜上有名。"),
        ("市北区第三届人民代表大会第二次会议是哪天开幕的？", "1月5日上午，市北区第三届人民代表大会第二次会议开幕。"),
        ("这三年保险理赔了多少钱？", "连续三年合计为市民投入保费6842万元、理赔4840万元。"),
        # the asked event in other words of its group: in use is 投入运行
        ("张村河水净化厂是哪一年投入使用的？", "张村河水净化厂2018年投入运行。"),
        ("产业园什么时候开工？", "产业园项目于2022年3月开工建设。"),
        ("产业园是什么时候交付使用的？", "产业园项目已于2023年8月交付使用。"),  # "哪天" would want the day ([days])
        ("产业园预计什么时候交付使用？", "产业园项目预计2023年8月份交付使用。"),
        ("崂山区是哪一年入选中国工业百强区的？", "崂山区2021年首次入选中国工业百强区。"),
        # a growth written 增长 is the rate asked, though 零售总额 names a total in the same sentence
        ("市北区2023年固定资产投资增速目标是多少？", "市北区2023年社会消费品零售总额增长3%以上，固定资产投资增长10%左右。"),
    ],
)
def test_verification_accepts_the_asked_fact(question: str, text: str) -> None:
    assert _verdict(question, text).ok


def test_a_date_of_another_doing_does_not_say_when_a_district_was_selected() -> None:
    """"崂山区是从哪一年开始入选中国工业百强区的": 入选 is an event of [events]; a sentence
    dated 2023 that tells of the district's industrial drive says nothing of when it was
    selected (the article says only 连续两年入选, with no year)."""
    verdict = _verdict("崂山区是从哪一年开始入选中国工业百强区的？", "2023年，崂山区深入实施工业强区战略，全年规上工业增加值同比增长14.4%。")
    assert not verdict.ok and verdict.missing.kind == "event"


def test_a_year_asked_is_not_given_by_a_time_without_one() -> None:
    """"是从哪年到哪年": "当前和今后一个时期" is a time, but names no year; "去年" and "2018年" do."""
    verdict = _verdict("实体经济振兴发展三年行动是从哪年到哪年？", "市发展改革委把这项工作作为当前和今后一个时期的首要政治任务。")
    assert not verdict.ok and verdict.missing.kind == "type"
    assert _verdict("这项行动是哪一年启动的？", "这项行动于去年启动。").ok
    assert _verdict("张村河水净化厂是哪一年投入使用的？", "张村河水净化厂2018年投入运行。").ok


def test_figures_asked_of_a_place_qualified_thing_and_a_named_one_accept_either() -> None:
    """"城阳的A和B…各是多少": a quote about B answers its part though it names no 城阳,
    and one about A though it does not name B."""
    question = "城阳的中天润产业园和空港综保区的芯恒源项目，总建筑面积各是多少？"
    assert _verdict(question, "芯恒源项目总投资约55亿元，总建筑面积约6.5万平方米。").ok
    assert _verdict(question, "中天润项目位于城阳区书安路8号，总建筑面积9.4万平方米。").ok
    # without 各/分别 it asks of one thing: the place still holds
    assert not _verdict("城阳的芯恒源项目总建筑面积是多少？", "芯恒源项目总投资约55亿元，总建筑面积约6.5万平方米。").ok


def test_a_span_standing_in_for_failed_ones_must_be_about_what_was_asked() -> None:
    """The reservoir's own sentence gives no date; a heating project's date of 开工 is no
    answer to when the reservoir's works started."""
    reservoir = _chunk("官路水库工程是事关青岛未来发展的重大基础性工程，正式纳入市级重点项目。", title="土地保障", article="a.txt#0")
    heating = _chunk("燃气锅炉项目2019年开工。", title="供热", article="b.txt#0")
    others = [_chunk(f"{name}项目正式开工。", article=f"{name}.txt#0") for name in ("道路", "学校", "医院")]  # 开工 is common
    by_article = {"a.txt#0": [reservoir], "b.txt#0": [heating]}
    answerer = ExtractiveAnswerer(_lexical(reservoir, heating, *others), AnswerSettings(min_support=0.0),
                                  lambda ids: {i: by_article.get(i, []) for i in ids}, lambda: [reservoir, heating])
    answer = answerer.answer("官路水库工程是什么时候正式开工的？", [], _hits(reservoir, heating))
    assert answer.refused and "2019" not in answer.text
    # the heating project asked about, its own sentence answers
    assert "2019年" in answerer.answer("燃气锅炉项目是什么时候开工的？", [], _hits(heating, reservoir)).text


def test_a_date_of_no_event_the_question_names_is_no_answer() -> None:
    verdict = _verdict("官路水库是什么时候开工的？", "今年以来，官路水库等工程的用地保障全面加快。")
    assert not verdict.ok and not verdict.partial


def test_a_date_asked_is_not_answered_by_a_sentence_with_no_time() -> None:
    verdict = _verdict("综保区是哪一年获批设立的？", "综保区完善各项设施，为入区企业提供优良的工作环境。")
    assert not verdict.ok and verdict.missing.kind == "type"


def test_de_fenbie_is_a_difference_not_respectively() -> None:
    assert not analyse("印度野驴与非洲野驴的分别是什么？", EMPTY).several
    assert analyse("两座污水厂的日处理能力分别是多少？", EMPTY).several


def test_a_running_total_is_answered_only_by_a_sentence_that_counts_one() -> None:
    """This year's task is no total to date, and names no year to offer instead: a refusal."""
    verdict = _verdict("健康城到现在一共已经流转了多少亩土地？", "推进健康城土地流转3000亩。")
    assert not verdict.ok and not verdict.partial
    assert _verdict("健康城到现在一共已经流转了多少亩土地？", "健康城已累计流转土地3000亩。").ok
    assert _verdict("健康城今年要流转多少亩土地？", "推进健康城土地流转3000亩。").ok
    # 总投资 and 公共预算 hold 总 and 共 but count no total; "共引进…95个" does
    asked = "西海岸新区这几年来累计已经引进了多少个投资亿元以上的项目？"
    assert not _verdict(asked, "提速建设总投资1815亿元的36个项目，一般公共预算收入增长6%。").ok
    assert _verdict(asked, "西海岸新区共引进投资亿元以上项目95个。").ok


def test_a_day_asked_needs_a_date_with_its_day() -> None:
    """"哪天开园的", "On what date…": a sentence dated only by its year or month gives no
    day; one with its day, or dated by the article itself ("今天上午"), does."""
    question = "青岛市人工智能产业园是哪天正式开园的？"
    assert not _verdict(question, "2023年，青岛市人工智能产业园正式开园运营。").ok
    assert _verdict(question, "1月5日，青岛市人工智能产业园正式开园运营。").ok
    assert _verdict(question, "今天上午，青岛市人工智能产业园正式开园运营。").ok
    assert not _verdict("On what date was the Qingdao AI industrial park formally opened?", "2023年，青岛市人工智能产业园正式开园运营。").ok
    assert _verdict("青岛市人工智能产业园是哪一年开园的？", "2023年，青岛市人工智能产业园正式开园运营。").ok


def test_the_holder_of_a_named_projects_role_must_be_named_with_it() -> None:
    """"官路水库工程的项目负责人是谁": every project has a 项目负责人, so another project's
    does not answer; the asked project's, or one pointed at ("这个工程"), does."""
    other = "前不久，青兰高速公路改扩建工程通过用地预审，让项目负责人史陈鹏喜出望外。"
    assert not _verdict("官路水库工程的项目负责人是谁？", other).ok
    assert _verdict("青兰高速公路改扩建工程的项目负责人是谁？", other).ok
    assert _verdict("这个工程的项目负责人是谁？", other).ok


def test_the_holder_of_a_named_divisions_role_must_be_named_with_it() -> None:
    """"国土空间规划处的处长是谁": every division of a bureau has a 处长, so another
    division's (市政交通规划处处长李志强) does not answer; the asked division's does."""
    other = "市自然资源和规划局市政交通规划处处长李志强说。"
    assert not _verdict("市自然资源和规划局国土空间规划处的处长是谁？", other).ok
    assert _verdict("市自然资源和规划局市政交通规划处的处长是谁？", other).ok


def test_an_english_party_secretary_is_a_role_asked() -> None:
    """"Who is the Party secretary of …": a sentence naming the community but no 书记 does
    not answer; one naming its 党委书记 does."""
    question = "Who is the Party secretary of the Wangjia Village community?"
    assert not _verdict(question, "完成金家岭街道王家村社区的改造拆迁。").ok
    assert _verdict(question, "王家村社区党委书记王建国说，拆迁提前一年完成。").ok


def test_a_phone_number_asked_needs_a_number_to_dial() -> None:
    """"服务热线的电话号码是多少": "开通服务热线357条" counts lines and "除了热线电话外"
    names one; only digits to dial answer. A count of lines is still a quantity."""
    question = "青岛的供热服务热线，电话号码是多少？"
    assert analyse(question, EMPTY).answer_type == "phone"
    assert analyse("全市开通了多少条供热服务热线？", EMPTY).answer_type == "quantity"
    assert not _verdict(question, "开通服务热线357条，500余名话务员24小时受理群众诉求。").ok
    assert not _verdict(question, "除了热线电话外，他们还加入了小区物业群。").ok
    assert _verdict(question, "市民可拨打供热服务热线96177反映问题。").ok
    assert _verdict("What is the phone number of the heating hotline?", "供热服务热线0532-96177全天受理。").ok


def test_a_paragraph_naming_only_another_district_is_about_that_one() -> None:
    chunk = _chunk("连续两年入选中国工业百强区。2023年，崂山区深入实施工业强区战略。\n西海岸新区规上工业增加值增长6.2%。",
                   title="加快发展先进制造业")

    def first_sentence(question: str):
        asked = analyse(question, EMPTY)
        found = candidates(asked, _hits(chunk), Articles(None))
        return verify(asked, next(c for c in found if c.text.startswith("连续")))

    verdict = first_sentence("西海岸新区已经连续几年入选中国工业百强区了？")
    assert not verdict.ok and verdict.partial and verdict.instead == "崂山区"
    assert first_sentence("崂山区已经连续几年入选中国工业百强区了？").ok


def test_a_paragraph_about_another_of_the_collection_s_districts_is_not_about_a_city_asked() -> None:
    """胶州市 is a city and 西海岸新区 a district, but both are among the paper's 区市
    (rules.toml [places]): a paragraph naming only 西海岸新区 does not answer for 胶州市."""
    chunk = _chunk("“新型显示产业规模突破500亿元。”西海岸新区区长王清源表示，将发力生物医药产业。\n胶州市拥有注册工业企业1.5万家。",
                   title="加快发展先进制造业")
    found = candidates(asked := analyse("胶州市提出新型显示产业规模要突破多少？", EMPTY), _hits(chunk), Articles(None))
    verdict = verify(asked, next(c for c in found if "500亿元" in c.text))
    assert not verdict.ok and verdict.instead == "西海岸新区"
    western = analyse("西海岸新区提出新型显示产业规模要突破多少？", EMPTY)
    assert verify(western, next(c for c in candidates(western, _hits(chunk), Articles(None)) if "500亿元" in c.text)).ok


def test_a_thing_named_only_in_the_name_of_what_handles_it_is_counted_by_that_one_s_figure() -> None:
    """"团岛污水厂一天能处理多少吨污水": the sentence writes 污水 only in 标杆污水处理厂, far
    from 日处理能力10万吨, but the plant that 处理s the 污水 is the one whose capacity it
    gives. 啤酒废水, which the sentence does not name, is still not counted by it."""
    text = ("2021年团岛污水处理厂与青岛啤酒厂合作实现啤酒废水与市政污水分类处理。"
            "团岛污水处理厂作为此次唯一一座入选的生产环节资源化利用标杆污水处理厂，坚持全过程资源化综合利用和绿色低碳发展，"
            "该厂1999年5月投入使用，2010年11月完成升级改造，日处理能力10万吨。")
    chunk = _chunk(text, title="青岛两座污水处理厂获评全国“标杆”")
    for question, answers in (("团岛污水厂一天最多能处理多少吨污水？", True), ("团岛污水处理厂每天能处理多少吨啤酒废水？", False)):
        asked = analyse(question, EMPTY)
        figure = next(c for c in candidates(asked, _hits(chunk), Articles(None)) if "10万吨" in c.text)
        assert verify(asked, figure).ok is answers, question


def test_a_figure_of_another_thing_the_article_counts_is_not_the_answer() -> None:
    """"每天能处理多少吨啤酒废水": the article speaks of 啤酒废水, but its tonnage is the
    plant's (日处理能力10万吨). A thing no article names is left to the gate."""
    text = ("2021年团岛污水处理厂与青岛啤酒厂合作实现啤酒废水与市政污水分类处理。"
            "团岛污水处理厂该厂1999年5月投入使用，日处理能力10万吨。")
    chunk = _chunk(text, title="青岛两座污水处理厂获评全国“标杆”")
    asked = analyse("团岛污水处理厂每天能处理多少吨啤酒废水？", EMPTY)
    assert asked.counted == "啤酒"
    figure = next(c for c in candidates(asked, _hits(chunk), Articles(None)) if "10万吨" in c.text)
    verdict = verify(asked, figure)
    assert not verdict.ok and verdict.missing is not None and verdict.missing.kind == "counted"
    plant = analyse("团岛污水处理厂每天能处理多少吨污水？", EMPTY)
    assert verify(plant, next(c for c in candidates(plant, _hits(chunk), Articles(None)) if "10万吨" in c.text)).ok
    assert analyse("消费季从哪几个方面做了调整？", EMPTY).counted == ""  # a list counts nothing
    assert analyse("有多少家媒体代表出席了活动？", EMPTY).counted == "媒体"  # 家 counts 媒体, not 代表
    # The sentence names the thing, but its figure counts something else (households).
    streets = "市北区2023年打算完成多少个老旧街区的改造？"
    assert analyse(streets, EMPTY).counted == "街区"  # past the adjectives 老, 旧
    households = _verdict(streets, "2023年，市北区将实施老旧街区改造工程，惠及群众5.2万户。")
    assert not households.ok and households.missing is not None and households.missing.kind == "counted"
    assert _verdict(streets, "2023年，市北区将完成64个老旧街区改造。").ok
    assert _verdict("冰雪皇后的店铺遍布多少个国家？", "冰雪皇后5600家店铺遍布世界十多个国家。").ok


def test_an_amount_asked_after_its_thing_is_of_that_thing() -> None:
    """"“四新”经济增加值达到多少亿元": nothing follows the unit, so the thing counted is the
    nouns before the verb that asks; the article's other 亿元 (理财公司管理规模) is not it."""
    question = "崂山区要让“四新”经济增加值达到多少亿元？"
    asked = analyse(question, EMPTY)
    assert asked.counted == "经济增加值"
    text = ("崂山区“四新”经济增加值占生产总值比重提升至43%。"
            "崂山区新引进金融机构和类金融企业100家，力争理财公司管理规模突破2万亿元。")
    other = next(c for c in candidates(asked, _hits(_chunk(text)), Articles(None)) if "2万亿元" in c.text)
    verdict = verify(asked, other)
    assert not verdict.ok and verdict.missing is not None and verdict.missing.kind == "counted"
    assert _verdict(question, "崂山区“四新”经济增加值将达到1200亿元。").ok
    # the thing stands in the asking clause: "各是多少个" after another clause names none
    assert analyse("市北区和崂山区谁定的目标更高？各是多少个？", EMPTY).counted == ""


def test_a_figure_of_a_list_is_not_the_figure_of_its_item() -> None:
    question = "海尔日日顺跨境电商保税服务基地项目总投资约多少？"
    group = _verdict(question, "目前已引入海程邦达半导体芯片项目、海尔日日顺跨境电商保税服务基地项目等总投资额121.9亿元的15个项目。")
    assert not group.ok and group.missing is not None and group.missing.kind == "group"
    assert _verdict(question, "海尔日日顺跨境电商保税服务基地项目总投资约3.37亿元。").ok
    # the question's words before the list's first item are no item of it
    assert _verdict("崂山区首届海洋科普节共设置了多少项活动？", "崂山区首届海洋科普节共设置海洋标本展、潜水体验等27项活动。").ok
    # 等 inside a word (同等, 等级) lists nothing
    assert _verdict(question, "海尔日日顺跨境电商保税服务基地项目按同等标准建设，总投资约3.37亿元。").ok


def test_a_project_asked_by_name_is_not_answered_by_another_project() -> None:
    """A sentence about another project of the same article is a neighbouring fact; one
    that opens with "项目" or "该项目" leans on the project its article names."""
    title = "芯恒源存储芯片封测项目签约落户"
    other = _verdict("芯恒源存储芯片封测项目总占地面积有多少亩？", "海程邦达半导体芯片项目属于“链主”企业项目，总占地面积65亩。",
                     title=title)
    assert other.partial and other.instead == "海程邦达半导体芯片项目"
    for text in ("项目总占地面积120亩，建筑面积6.5万平方米。", "该项目总占地面积120亩。"):
        assert _verdict("芯恒源存储芯片封测项目总占地面积有多少亩？", text, title=title).ok
    # a reader's shorter name for the same project
    assert _verdict("海程邦达那个半导体项目用地有多大？", "海程邦达半导体芯片项目总占地面积65亩。").ok
    # a plant, too: the article names both, and the sentence is about the other one
    plants = "团岛污水处理厂日处理能力10万吨。张村河水净化厂2018年投入运行，出水主要污染物指标优于地表水V类水质标准。"
    chunk = _chunk(plants, title="两座污水处理厂获评标杆")
    asked = analyse("团岛污水处理厂出水的主要污染物指标达到了什么水质标准？", EMPTY)
    sewage = next(c for c in candidates(asked, _hits(chunk), Articles(None)) if "V类" in c.text)
    verdict = verify(asked, sewage)
    assert not verdict.ok and not verdict.partial  # no partial answer: the article speaks of 团岛 too
    # a plant described in words no article uses is the asker's description, not a name
    described = analyse("讲两座污水厂获评标杆的报道说出水达到了什么标准？", EMPTY)
    assert verify(described, next(c for c in candidates(described, _hits(chunk), Articles(None)) if "V类" in c.text)).ok


def test_another_section_of_a_street_is_a_near_miss() -> None:
    verdict = _verdict("台东步行街西段什么时候完成升级改造？", "台东步行街东段完成升级，酝酿芳华再起。")
    assert verdict.partial and verdict.instead == "东段"
    assert _verdict("台东步行街东段什么时候完成升级改造？", "台东步行街东段于今年完成升级。").ok
    assert _verdict("黄河下游的治理有什么进展？", "黄河上游水源涵养能力提升。").partial


def test_a_near_miss_ranked_first_outweighs_a_lower_span_that_passes() -> None:
    """The best span is about another district or section: a lower one that passes
    the checks matched on other words, so the near-miss is told, not the guess. Also
    when the best span lacks the asked form (no date for "何时")."""
    other = _chunk("崂山区2023年将新打造数字化转型赋能中心2个。", article="b.txt#0")
    loose = _chunk("市北区2023年的目标是新增就业4万人。", article="c.txt#0")
    answer = _answerer(other, loose).answer("市北区2023年打算新打造几个数字化转型赋能中心？", [], _hits(other, loose))
    assert answer.partial and "崂山区" in answer.text and "4万人" not in answer.text
    east = _chunk("台东步行街东段完成升级改造，酝酿芳华再起。", article="b.txt#0")
    dated = _chunk("今年以来，市北区扎实推进作风能力提升年活动。", article="b.txt#0", start=100)
    answer = _answerer(east, dated).answer("台东步行街西段何时完成升级改造？", [], _hits(east, dated))
    assert answer.partial and "东段" in answer.text and "今年以来" not in answer.text
    assert not _answerer(east, dated).answer("台东步行街东段何时完成升级改造？", [], _hits(east, dated)).refused


def test_several_figures_asked_prefer_the_span_that_gives_several() -> None:
    """"省级和市级的各有多少个": a sentence with one incidental count (三个关键环节) is
    outranked by the one listing a figure for each."""
    scene = _chunk("市应急管理局以国家、省、市三级综合减灾示范社区创建为抓手，聚焦三个关键环节，推动示范社区创建扩面。", article="a.txt#0")
    counts = _chunk("截至目前，我市共创建综合减灾示范社区424个，其中全国135个、全省90个、青岛市199个。", article="a.txt#0", start=60)
    answer = _answerer(scene, counts).answer("省级和市级的综合减灾示范社区各有多少个？", [], _hits(scene, counts))
    assert "全省90个" in answer.text and "三个关键环节" not in answer.text
    assert not analyse("综合减灾示范社区有多少个？", EMPTY).several
    assert not analyse("How many projects are to be pushed forward each year?", EMPTY).several  # "each year" is a rate


def test_a_what_next_follow_up_is_answered_by_what_follows_the_last_answer() -> None:
    """"那他当时是怎么处理的？" after an answer quoting what the steward found: the
    article tells what he did in the sentence after, whatever words it shares."""
    story = _chunk("党的二十大报告提出，要着力解决好人民群众急难愁盼问题。前一天下午，姜涛来过老人家，发现不同房间温差超过4摄氏度。"
                   "为了让老人更舒服一些，姜涛对老人家里进行了流量平衡。这让两位老人很感动。", article="a.txt#0")
    history = [{"role": "user", "content": "姜涛前一天去老人家发现了什么问题？"},
               {"role": "assistant", "content": "发现不同房间温差超过4摄氏度。[1]"}]
    answer = _answerer(story).answer("那他当时是怎么处理的？", history, _hits(story))
    assert "流量平衡" in answer.text and "二十大" not in answer.text
    assert not analyse("他当时是怎么处理的？", EMPTY).after  # only a follow-up in a conversation leans on the last answer


def test_a_number_the_question_names_its_subject_by_must_be_in_the_answer() -> None:
    """"the 259 old residential buildings": 259 names what is asked about. A sentence of
    the same article giving an area without it is about something else."""
    text = "259栋老旧小区改造全面开工。老四方工业区新开工面积75万平方米。"
    chunk = _chunk(text)
    asked = analyse("What is the total floor area of the 259 old residential buildings in Shibei?", EMPTY)
    found = {c.text: c for c in candidates(asked, _hits(chunk), Articles(None))}
    assert not verify(asked, found["老四方工业区新开工面积75万平方米。"]).ok
    asked = analyse("259栋老旧小区改造的总面积是多少？", EMPTY)
    found = {c.text: c for c in candidates(asked, _hits(chunk), Articles(None))}
    assert not verify(asked, found["老四方工业区新开工面积75万平方米。"]).ok
    assert verify(analyse("老四方工业区新开工面积是多少？", EMPTY), found["老四方工业区新开工面积75万平方米。"]).ok
    year = analyse("At the 2022 conference, what is the new floor area of the old Sifang industrial zone?", EMPTY)
    meeting = {c.text: c for c in candidates(year, _hits(_chunk("2022年，市北区召开大会。老四方工业区新开工面积75万平方米。")), Articles(None))}
    assert verify(year, meeting["老四方工业区新开工面积75万平方米。"]).ok  # a year names no set


def test_the_article_titled_with_the_asked_name_comes_before_one_on_a_longer_name() -> None:
    """"黄蝉的别称叫什么": the article titled 黄蝉 answers, not the one on 软枝黄蝉, however
    well the other's opening sentence matches the question's words."""
    other = _chunk("软枝黄蝉，别称黄莺、小黄蝉、重瓣黄蝉，为夹竹桃科黄蝉属植物。", title="软枝黄蝉", article="a.txt#0")
    own = _chunk("黄蝉是夹竹桃科的植物，别称为硬枝黄蝉、小花黄蝉及黄兰蝉。", title="黄蝉", article="b.txt#0")
    answer = _answerer(other, own).answer("黄蝉的别称叫什么？", [], _hits(other, own))
    assert "硬枝黄蝉" in answer.text and "黄莺" not in answer.text


def test_person_asked_organisation_named_is_not_an_answer() -> None:
    verdict = _verdict("汇报工作方案的是谁？", "会上，市生态环境局汇报了工作方案。")
    assert verdict.partial and verdict.instead == "市生态环境局"
    assert _verdict("会议由谁主持？", "程德智、刘建军出席会议，耿涛主持。").ok


def test_a_role_asked_needs_a_name() -> None:
    """"负责人是谁" asks for someone in a role: a sentence about the project that names
    nobody does not answer it, however well its words match."""
    assert not _verdict("海程邦达半导体芯片项目的负责人是谁？", "目前已引入海程邦达半导体芯片项目等15个“链主”企业项目。").ok
    assert _verdict("海程邦达半导体芯片项目的负责人是谁？", "海程邦达半导体芯片项目负责人王海介绍，项目已开工。").ok
    assert _verdict("这本书的作者是谁？", "这本书由大久保笃创作。").ok  # not a role: any sentence may say who
    assert _verdict("总理一职由谁委任？", "总理一职由总督委任。").ok  # who appoints: a role may answer
    assert not _verdict("中国自然资源学会的理事长是谁？", "中国自然资源学会学术年会是资源科技领域的科技盛会。").ok
    # Someone is named, but not in the role asked: the role must be in the sentence too.
    assert not _verdict("浮山供热中心站的站长是谁？", "刘一平说，旭日花园与浮山供热中心站仅一路之隔。").ok
    assert _verdict("浮山供热中心站的站长是谁？", "浮山供热中心站站长刘一平说，两处仅一路之隔。").ok
    # The role may follow the question word: "是崂山区哪位负责人"
    assert not _verdict("介绍“促十条”的是崂山区哪位负责人？", "据介绍，崂山区“促十条”预计将带动商贸、文旅等领域消费破亿元。").ok
    # 负责人 is any leader: a 主任 named is one, a resident is not
    assert _verdict("供热面积这些情况，是哪位负责人介绍的？", "据市供热发展中心主任杨楠介绍，供热面积3.35亿平方米。").ok
    assert not _verdict("供热面积这些情况，是哪位负责人介绍的？", "居民刘一平说，供热面积3.35亿平方米。").ok
    assert _verdict("介绍“促十条”的是崂山区哪位负责人？", "崂山区商务局负责人王海介绍，“促十条”预计将带动消费破亿元。").ok
    assert not _verdict("学会的理事长是谁？", "学术年会是高层次、高水平、大规模的科技盛会。").ok  # 高水平 is tagged a name
    # "Who heads…" asks for a role's holder in English: a sentence naming nobody is no answer.
    english = "Who heads the Shibei District administrative approval service bureau?"
    assert not _verdict(english, "陶先生要将公司由诸城市迁入市北区，但由于疫情，他无法前来审批大厅办理该业务。").ok
    assert _verdict(english, "市北区行政审批服务局局长王刚介绍，跨域通办已开通。").ok
    # in English a name the tagger misses gets no benefit of the doubt, as it does in Chinese
    # (above): over the papers' Chinese names, a sentence naming nobody is mostly the wrong one
    assert not _verdict("Who wrote the book?", "这本书由大久保笃创作。").ok
    # "Who was the resident…" asks for a 居民: the staff member who got the message is not one
    resident = "Who was the resident of the Rongshui Road community who sent the message?"
    assert not _verdict(resident, "李沧区融水路社区某小区物业工作人员郑召斌收到这样一条消息。").ok
    assert _verdict(resident, "融水路社区居民王海发来一条消息。").ok
    # "叫什么名字" after a title asks for the title's holder as "是谁" does.
    named = analyse("第二热力有限公司的总经理叫什么名字？", EMPTY)
    assert named.answer_type == "person" and [t.text for t in named.focus] == ["总经理"]
    assert not _verdict("第二热力有限公司的总经理叫什么名字？", "在第二热力有限公司的供热范围内，像姜涛这样的供热管家共有31名。").ok
    assert _verdict("第二热力有限公司的总经理叫什么名字？", "第二热力有限公司总经理王刚介绍，供热范围扩大了。").ok



def test_a_kind_of_place_asked_is_neither_a_place_nor_a_word_to_find() -> None:
    """"哪个县级市", "Which county-level city": the kind of answer asked, which the paper
    need not write (it names 莱西市). It states no place, and where no article uses it,
    it is no term whose absence counts against the quote."""
    assert not analyse("示范乡镇里，哪个县级市占了两个？", EMPTY).constraints
    terms = {t.text for t in analyse("Which county-level city got two of the demonstration townships?", EMPTY).terms}
    assert "县级市" not in terms and "示范" in terms
    # nor does the scope before a name's suffix make a place: 2022年度/全省 names none
    question = analyse("Which county-level city got two of them?", EMPTY)
    span = "胶州市铺集镇、莱西市店埠镇4个镇街，分别被评为2022年度全省示范乡。"
    places = {span[start:end] for start, end in type_spans(question, span)}
    assert "莱西市店埠镇" in places or "莱西市" in places
    assert not any("全省" in place for place in places)


def test_a_rate_asked_is_the_rate_of_the_thing_named() -> None:
    """"技术合同交易额定的增长率": a sentence of other targets' rates does not give it,
    where the article speaks of 交易额 elsewhere."""
    question = "市北区2023年给技术合同交易额定的增长率是百分之多少？"
    assert analyse(question, EMPTY).counted == "交易额"
    targets = _chunk("市北区2023年的主要预期目标是：地区生产总值增长5.5%左右，固定资产投资增长10%左右。技术合同交易额突破40亿元。")
    assert _answerer(targets).answer(question, [], _hits(targets)).refused
    rated = _chunk("市北区2023年技术合同交易额增长20%以上。")
    assert "20%" in _answerer(rated).answer(question, [], _hits(rated)).text
    assert analyse("市北区固定资产投资增速是多少？", EMPTY).counted == "固定资产投资"  # not the district
    assert analyse("其2023年固定资产投资的预期增长目标又是多少？", EMPTY).counted == "固定资产投资"  # 预期 qualifies
    # the rate follows its thing: the 10% before 货物进出口总额 is the investment's
    trade = "进出口总额增长目标是百分之多少？"
    both = _chunk("市北区2023年固定资产投资增长10%左右，货物进出口总额固基强质。")
    assert _answerer(both).answer("市北区2023年给货物" + trade, [], _hits(both)).refused
    # a rate named by its own word (就业率) is of what it rates; a word that only ends in 率 (利率) names no thing
    question = "2022年前三季度，就业困难人员的实际就业率是多少？"
    assert analyse(question, EMPTY).counted == "就业" and analyse("票面利率是多少？", EMPTY).counted == ""
    other = _chunk("前三季度，全区固投增速15%，全市位列第4。全区就业形势保持稳定。")
    assert _answerer(other).answer(question, [], _hits(other)).refused


def test_a_name_an_english_question_gives_is_not_its_answer() -> None:
    """"…came from Zhucheng. Which prefecture-level city is Zhucheng under?": 诸城市 is the
    question's own name in Chinese, so the answer is 潍坊; a longer name that only starts
    with a given one (市南区八大湖街道 for "Which sub-district of Shinan") still answers."""
    question = analyse("Mr Tao came from Zhucheng (诸城). Which prefecture-level city is Zhucheng under?", EMPTY)
    span = "日前，潍坊诸城市陶先生为市北区行政审批服务局点赞。"
    places = {span[start:end] for start, end in type_spans(question, span)}
    assert "潍坊" in places and "诸城市" not in places
    shinan = analyse("Where in Shinan (市南) is the garden?", EMPTY)
    span = "家住市南区八大湖街道奉化路6号旭日花园的居民刘一平说。"
    assert "市南区八大湖街道" in {span[start:end] for start, end in type_spans(shinan, span)}


def test_a_role_asked_in_english_belongs_to_the_organisation_named() -> None:
    """"Who is the chairman of Hanlan (汉缆)" is not answered by Haier's chairman, though
    he is a chairman: the quote must name the organisation the role belongs to."""
    haier = "海尔集团董事局主席、首席执行官周云杰表示，中国家电产量约占全球56%。"
    assert not _verdict("Who is the chairman of Hanlan (汉缆), one of the firms pushed to double output?", haier).ok
    assert _verdict("Who is the chairman of Hanlan (汉缆), one of the firms pushed to double output?", "汉缆董事长张三表示，产值将增长15%。").ok
    assert not _verdict("Who is the chairman of Chery Automobile?", haier).ok
    assert _verdict("Who is the chairman of Chery Automobile?", "奇瑞汽车董事长尹同跃表示，青岛基地将扩产。").ok
    assert _verdict("Who is the chairman of Haier?", haier).ok
    # a bureau named by its field: the glossary gives 民政 for "civil affairs"
    emergency = "市应急管理局局长王保岚表示，将行政许可工作纳入流程化管理。"
    assert not _verdict("Who is the director of the Qingdao Municipal Civil Affairs Bureau?", emergency).ok
    assert _verdict("Who is the director of the Qingdao Municipal Civil Affairs Bureau?", "市民政局局长李四表示，将引导社区社会组织参与。").ok


def test_a_role_asked_is_not_its_deputy() -> None:
    """"院长是谁" is not answered by the 副院长, in either language: "Who is the dean"
    names the title, which the glossary gives in Chinese."""
    deputy = "在卡奥斯智研院执行副院长任涛林的笔记本上，“科技创新”一词被他重重标记起来。"
    assert not _verdict("卡奥斯智研院的院长是谁？", deputy).ok
    assert _verdict("卡奥斯智研院的副院长是谁？", deputy).ok
    assert not _verdict("Who is the dean of the COSMOPlat research institute?", deputy).ok
    assert _verdict("Who is the executive vice dean of the COSMOPlat research institute?", deputy).ok
    named = "在海尔工业智能研究院，孙爱军来到企业员工中间做了专题宣讲。"
    assert not _verdict("Who is the dean of Haier's industrial intelligence research institute?", named).ok
    assert _verdict("Who is the dean of the institute?", "研究院院长王刚介绍，研究院已成立三年。").ok
    assert _verdict("Who is the executive deputy dean of the COSMOPlat research institute?", deputy).ok
    assert _verdict("Who is the general manager of Chery's Qingdao base?", "奇瑞汽车青岛基地总经理许疆生表示。").ok


def test_an_asked_attribute_is_answered_by_the_sentence_it_opens() -> None:
    """"黄蝉的花是什么样子": the article's opening sentence names 黄蝉 (and 小花黄蝉), but
    the flower is described where a sentence opens with 花."""
    chunk = _chunk("黄蝉，别称为硬枝黄蝉、小花黄蝉及黄兰蝉，为夹竹桃科黄蝉属植物。花期为5-8月。花为聚繖花序顶生，鲜黄色，花冠呈漏斗形。")
    answer = _answerer(chunk).answer("黄蝉的花是什么样子？", [], _hits(chunk))
    assert answer.citations[0].quote.startswith("花为聚繖花序顶生")
    assert analyse("天门冬的根有什么特点？", EMPTY).attribute == "根"
    # A sentence opening with 花 in another plant's article ("花等草（吉林）…", a name of
    # 牡蒿) says nothing of this one's flowers: it is not moved up.
    other = _chunk("牡蒿，又名齐头蒿。花等草（吉林）、布菜、铁菜子（河北、山东）。", title="牡蒿", article="b.txt#0")
    asked = analyse("黄蝉的花是什么样子？", EMPTY)
    ranked = _attribute_first(asked, _ranked_by_opening(asked, [chunk, other], "黄蝉"), 1.0)
    assert ranked[0].text.startswith("花为") and "花等草" not in [c.text[:3] for c in ranked[:2]]


def test_a_defined_term_is_answered_by_its_defining_sentence() -> None:
    """"什么是冠夫姓": the sentence opening with the term and 指 defines it; a later one
    that only uses the term is moved below it, and a sentence that merely opens with the
    name ("宇宙奇兵,无敌英雄", a song line) defines nothing."""
    assert analyse("什么是冠夫姓？", EMPTY).defined == "冠夫姓"
    assert analyse("“一轴”指的是什么？", EMPTY).defined == "一轴"
    assert analyse("这次会议的主题是什么？", EMPTY).defined == ""
    chunk = _chunk("冠夫姓（或从夫姓），指女性结婚后改用丈夫的姓氏这样一种习俗。"
                   "魏晋南北朝后，始以夫姓称呼已婚女性为“某夫人”，但与冠夫姓的习俗不同，此称呼并不改变女性的本姓。"
                   "宇宙奇兵,无敌英雄。", title="冠夫姓")
    asked = analyse("什么是冠夫姓？", EMPTY)
    ranked = _defining_first(asked, _ranked_by_opening(asked, [chunk], "魏晋"), 1.0)
    assert ranked[0].text.startswith("冠夫姓（或从夫姓），指")
    song = analyse("《宇宙奇兵》是什么？", EMPTY)
    assert song.defined == "宇宙奇兵"
    ranked = _defining_first(song, _ranked_by_opening(song, [chunk], "宇宙奇兵", 0.5), 1.0)
    assert any(c.text.startswith("宇宙奇兵") for c in ranked) and not ranked[0].text.startswith("宇宙奇兵")


def test_an_attribute_may_follow_an_opener() -> None:
    """"拉萨河的支流有哪些": "主要支流有：麦曲、桑曲…" opens with 主要 before the attribute
    and is moved up like a sentence opening with 支流."""
    chunk = _chunk("拉萨河在嘉黎县附近与左岸支流麦曲汇合后改称色绒藏布，有右岸支流桑曲汇入。主要支流有：麦曲、桑曲、拉曲及堆龙曲等。",
                   title="拉萨河")
    asked = analyse("拉萨河的支流有哪些？", EMPTY)
    ranked = _attribute_first(asked, _ranked_by_opening(asked, [chunk], "拉萨河"), 1.0)
    assert ranked[0].text.startswith("主要支流有")


def test_an_age_is_a_time_of_a_life() -> None:
    asked = analyse("苏佩维埃尔是何时开始写第一本寓言故事的？", EMPTY)
    text = "九岁的一天，他在银行账簿的背面开始写他的第一本寓言故事。那个孤儿九岁。"
    assert [text[a:b] for a, b in type_spans(asked, text)] == ["九岁的一天"]


def test_a_year_is_no_duration() -> None:
    asked = analyse("崂山区已经接连几年入选工业百强区了？", EMPTY)
    text = "2023年12月6日，崂山区连续两年入选工业百强区，至今共3年。"
    assert [text[a:b] for a, b in type_spans(asked, text)] == ["两年", "3年"]
    assert [s for s, _ in type_spans(analyse("花期约是多久？", EMPTY), "花期为1月至4月。")] == [3, 6]  # months stay


def test_a_saving_asked_is_the_figure_said_to_be_saved() -> None:
    """"帮它省下了多少时间": the 40 working days the rules allow are no saving; the 18 the
    bureau saved are. The answerer then quotes the saving, not the rule."""
    asked = analyse("应急管理部门帮这个项目省下了多少时间？", EMPTY)
    assert type_spans(asked, "到颁发证书需约40个工作日，与机场的时间要求存在冲突。") == []
    text = "市应急管理局压缩各环节时间，提前18个工作日办完了所需手续。"
    assert [text[a:b] for a, b in type_spans(asked, text)] == ["18个工作日"]
    assert [text[a:b] for a, b in type_spans(analyse("办手续要多少个工作日？", EMPTY), text)] == ["18个工作日"]  # no saving asked
    rule = _chunk("按规定，危化品经营许可证到颁发证书需约40个工作日，这个项目的时间要求与此冲突。")
    saved = _chunk("市应急管理局压缩各环节时间，提前18个工作日办完了危化品经营许可证手续。", start=80)
    answer = _answerer(rule, saved).answer("办危化品经营许可证，应急管理部门帮这个项目省下了多少时间？", [], _hits(rule, saved))
    assert not answer.refused and "18个工作日" in answer.text and "40个工作日" not in answer.text


def test_the_span_of_a_plan_is_no_year() -> None:
    asked = analyse("新一轮专项行动打算搞到哪一年？", EMPTY)
    assert type_spans(asked, "围绕城市建设三年攻坚行动，三年内完成。") == []
    text = "宁康三年八月册立为皇后。"
    assert "三年" in [text[a:b] for a, b in type_spans(asked, text)]


def test_a_number_is_never_cut_at_its_comma_or_colon() -> None:
    """Wikipedia writes 1,900米 and 下午5:00: a long sentence is quoted by its clauses, and
    a clause must not end inside a number ("每周二下午5。" quoted the start of a time)."""
    text = ("该作品于1988年初在香港无线电视翡翠台播出，台湾台视则于1989年至1990年6月26日间，在每周日上午11:00～11:30、"
            "每周二下午5:00～6:30播出，生长于海拔900米至1,900米的地区，多生长在山谷空旷湿润地，目前尚未由人工引种栽培，"
            "亦为香港原生植物，分布于广东、广西、贵州、四川南部、中南半岛及云南的南部。")
    cuts = {end for _, end in clause_windows(text, 0, len(text))}
    assert len(cuts) > 1 and all(not (text[at - 2].isdigit() and text[at].isdigit()) for at in cuts if at < len(text))
    assert any(text[:at].endswith("6:30播出，") for at in cuts)


def test_a_rate_stated_as_a_bare_number_is_a_rate() -> None:
    """TV ratings and rates are often given without a % ("首集收视率为7.07"): the number
    the sentence gives for the rate asked is the answer's form."""
    asked = analyse("《格斗天王》的首集收视率是多少？", EMPTY)
    text = "首集收视率为7.07，15岁至44岁平均收视为4.2。"
    assert asked.answer_type == "percent" and [text[a:b] for a, b in type_spans(asked, text)] == ["7.07"]
    assert type_spans(asked, "全剧共20集，接档《天国的嫁衣》。") == []


def test_a_word_glued_to_the_verb_after_it_is_the_word() -> None:
    """jieba cuts "天门冬的根有什么特点" as 根有: no article says 根有, and the word asked
    about is 根, which the articles use."""
    lexical = _lexical(_chunk("天门冬为多年生攀援草本植物。根稍肉质，分枝具棱或狭翅。"))
    terms = {t.text for t in analyse("天门冬的根有什么特点？", lexical).terms}
    assert "根" in terms and "根有" not in terms
    # "发改委讲要…": jieba glues the verb of saying to the abbreviation before it (委讲)
    lexical = _lexical(_chunk("市发展改革委构建“一老一小”高质量服务体系。"))
    terms = {t.text for t in analyse("发改委讲要搭一套什么样的服务体系？", lexical).terms}
    assert "委" in terms and "委讲" not in terms


def test_an_approximate_count_is_a_quantity() -> None:
    """"十几年", "二十几家": 几 after a numeral is "some", and the figure a reader wants."""
    asked = analyse("她认识姜涛多久了？", EMPTY)
    text = "老人说，她和姜涛已经认识十几年了，前一天他刚来过。"
    assert [text[a:b] for a, b in type_spans(asked, text)] == ["十几年", "一天"]
    counted = analyse("有多少家企业？", EMPTY)
    assert [(a, b) for a, b in type_spans(counted, "二十几家企业已开工。")] == [(0, 4)]  # 二十几家
    assert type_spans(counted, "这几家企业已开工。") == []


def test_a_role_holder_named_in_the_sentence_before_his_role() -> None:
    chunk = _chunk("宋建成，台湾图书馆行政工作者。他是国家图书馆首位副馆长，同时是首位代理馆长。")
    answer = _answerer(chunk).answer("国家图书馆首位副馆长是谁？", [], _hits(chunk))
    assert not answer.refused and "宋建成" in answer.text and "副馆长" in answer.text


def test_a_company_name_is_not_a_person() -> None:
    assert _verdict("项目由谁牵头申报？", "凤麟核中科超睿（青岛）技术有限公司牵头申报的项目获批。").partial  # 凤麟 is tagged nr
    assert _verdict("会上由谁讲授党课？", "王涛同志讲授党课。").ok


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("今天下午，市政府召开专题会议，研究解决当前存在的问题。", []),  # 今天下午 is tagged nr
        ("海尔日日顺跨境电商保税服务基地项目正在内部装修。", []),  # 海尔 is tagged nrt
        ("弘扬志愿精神，推进智慧社区建设。", []),
        ("市委副书记、市长赵豪志出席会议，滕军红介绍情况。", ["赵豪志", "滕军红"]),
        ("欧阳修与司马光同朝为官。", ["欧阳修", "司马光"]),
        ("记者衣涛报道。", ["衣涛"]),
        ("协调相关单位和国内专家现场办公。", []),  # a title before a word jieba tags a noun: no name
        ("习近平总书记指出", ["习近平"]),
        ("达尔文提出进化论，海梅从此成为第三代蓝甲虫。", ["达尔文"]),  # two characters of transliteration may be a brand
        ("马库斯·温克霍克一度领先。", ["马库斯·温克霍克"]),
        ("宋建成，台湾图书馆行政工作者。", ["宋建成"]),  # cut 宋/建成
        ("宋建成了一座桥。", []),
    ],
)
def test_a_person_name_starts_with_a_surname(text: str, names: list[str]) -> None:
    asked = analyse("谁参加了？", EMPTY)
    assert [text[start:end] for start, end in type_spans(asked, text) or []] == names


def test_an_english_round_is_any_numbered_edition_of_that_number() -> None:
    """"the second round" is how English puts 第二期, 第二届 or 第二轮 of an event: the
    number must match, the Chinese counter need not."""
    chunk = _chunk("参与第二期“双百跨越”比选活动的水务企业有34家。")
    asked = "How many water companies took part in the {} round of the 'Double Hundred' benchmarking?"
    answer = _answerer(chunk).answer(asked.format("second"), [], _hits(chunk))
    assert not answer.refused and answer.text.startswith("34家")  # the figure asked, not the round it is of
    assert _answerer(chunk).answer(asked.format("third"), [], _hits(chunk)).refused


def test_an_english_question_about_another_district_is_not_answered() -> None:
    chunk = _chunk("胶州市拥有注册工业企业1.5万家。")
    asked = "How many industrial enterprises are registered in {}?"
    assert not _answerer(chunk).answer(asked.format("Jiaozhou"), [], _hits(chunk)).refused
    assert _answerer(chunk).answer(asked.format("Jimo District"), [], _hits(chunk)).refused


def test_an_english_rate_is_of_the_thing_named_beside_it() -> None:
    chunk = _chunk("西海岸新区将积蓄发力生物医药产业，力争目标产业产值增长15%。青岛高新区以不足全市1%的土地，培育了全市8%的国家专精特新“小巨人”企业。")
    answerer = _answerer(chunk)
    grown = answerer.answer("By how much does the West Coast New Area aim to grow the output value of its target industries?", [], _hits(chunk))
    assert not grown.refused and "15%" in grown.text
    share = answerer.answer("What share of Qingdao's 'little giant' enterprises has the High-tech Zone cultivated?", [], _hits(chunk))
    assert not share.refused and "8%" in share.text  # a share's thing follows its figure
    # the figures beside 产值 and 土地 are no rate of exports
    assert answerer.answer("By what percentage does the West Coast New Area aim to increase its agricultural exports?", [], _hits(chunk)).refused


def test_a_batch_counts_only_the_figures_of_its_own_clause() -> None:
    """"一期投资2.2亿美元，总建筑面积约6.5万平方米": the area is the whole project's, so a
    question for its total is answered, not told that only phase one is given."""
    chunk = _chunk("芯恒源存储芯片项目签约落户青岛空港综合保税区。项目总投资约55亿元，一期投资2.2亿美元，总建筑面积约6.5万平方米。")
    answer = _answerer(chunk).answer("芯恒源项目总共要盖多大面积的房子？", [], _hits(chunk))
    assert not answer.refused and "6.5万平方米" in answer.text
    batch = _chunk("第二期“双百跨越”污水处理标杆比选活动中，共有33座污水厂榜上有名。")
    assert _answerer(batch).answer("到现在一共有几座污水厂评上过标杆？", [], _hits(batch)).refused


def test_a_total_of_the_round_in_the_news_is_counted_within_its_batch() -> None:
    """"这回…加起来占全国多大一块": the question points at the round the news is about, so
    the 第二期 its sentence names is that round, not one batch of a running total."""
    batch = _chunk("参与第二期“双百跨越”比选活动的水务企业有34家，污水处理规模合计占到全国总规模的60%。")
    answer = _answerer(batch).answer("这回全国评标杆污水厂，参加比选的水务企业处理的污水加起来占全国多少？", [], _hits(batch))
    assert not answer.refused and "60%" in answer.text
    assert _answerer(batch).answer("到现在参加过比选的水务企业处理的污水加起来占全国多少？", [], _hits(batch)).refused


def test_a_follow_up_opening_with_it_is_about_the_earlier_subject() -> None:
    """"它总共要盖多大面积的房子？" after a question about 芯恒源's project: a sentence that
    opens with another project's name gives that one's area."""
    other = _chunk("海程邦达半导体芯片项目总投资2.63亿元，总占地面积65亩，建筑面积4.4万平方米。", article="b.txt#0")
    asked = _chunk("日前，芯恒源存储芯片切割研磨及封测项目签约落户青岛空港综合保税区。项目总投资约55亿元，一期投资2.2亿美元，总建筑面积约6.5万平方米。")
    history = [{"role": "user", "content": "芯恒源那个存储芯片项目落户在哪儿？"},
               {"role": "assistant", "content": "签约落户青岛空港综合保税区。"}]
    answer = _answerer(other, asked).answer("它总共要盖多大面积的房子？", history, _hits(other, asked))
    assert "6.5万平方米" in answer.text and "4.4万平方米" not in answer.text


def test_words_jieba_mistakes_for_names_are_no_conditions() -> None:
    """jieba finds 里海 (the Caspian) in "综保区里海程邦达" and tags 普普通通 as a name: neither
    is a place or a thing the answer must name."""
    chunk = _chunk("目前已引入海程邦达半导体芯片项目。")
    cut = constraints_in("空港综保区里海程邦达那个半导体芯片项目，总投资是多少？", _lexical(chunk))
    assert not any(c.value == "里海" for c in cut)
    assert ("place", "里海") in {(c.kind, c.value) for c in constraints_in("里海沿岸有几个国家？", _lexical(chunk))}
    plain = constraints_in("高质量发展只是众多任务里普普通通的一项吗？", _lexical(chunk))
    assert not any(c.value == "普普通通" for c in plain)


def test_an_english_who_question_needs_a_person_other_than_its_own() -> None:
    """"Who hosted the session in which Teng Junhong answered…": the sentence names only
    滕军红, whom the question gives, and jieba's 网友/关心 is no 网友 named 关心."""
    chunk = _chunk("有网友关心青钢片区的建设计划，据滕军红介绍，2023年青钢片区计划继续实施四流北路等市政道路的施工。")
    assert [chunk.text[start:end] for start, end in person_spans(chunk.text)] == ["滕军红"]
    answerer = _answerer(chunk)
    assert answerer.answer("Who hosted the online session in which Teng Junhong answered netizens' questions?", [], _hits(chunk)).refused
    said = answerer.answer("Who described the construction plan for the Qinggang area?", [], _hits(chunk))
    assert not said.refused and "滕军红" in said.text


def test_a_title_naming_a_city_states_no_place() -> None:
    """"China Digital City Competitiveness" names a report, not a city called 数字市."""
    chunk = _chunk("在《2022中国数字城市竞争力研究报告》中，青岛名列第七，稳居第一梯队。")
    question = "Qingdao came seventh in the 2022 China Digital City Competitiveness report. Which tier does that put the city in?"
    assert not any(c.kind == "place" for c in analyse(question, EMPTY).constraints)
    assert not _answerer(chunk).answer(question, [], _hits(chunk)).refused
    assert ("place", "崂山区") in {(c.kind, c.value) for c in analyse("When did the Laoshan District People's Congress open?", EMPTY).constraints}


def test_a_later_part_about_a_thing_the_articles_lack_is_not_answered_from_its_neighbour() -> None:
    """"第二座…是哪一座？什么时候投运的？": the articles hold only the first plant, so its
    opening year answers neither part."""
    chunk = _chunk("张村河水净化厂作为青岛市首座全地下污水处理厂，2018年投入运行，日污水处理能力4万吨。")
    answer = _answerer(chunk).answer("青岛第二座全地下污水处理厂是哪一座？什么时候投运的？", [], _hits(chunk))
    assert answer.refused and answer.partial and "首座" in answer.text
    assert not _answerer(chunk).answer("青岛首座全地下污水处理厂是哪一座？什么时候投运的？", [], _hits(chunk)).refused


def test_a_date_asked_of_a_relation_is_given_where_the_relation_is_said() -> None:
    """"哪一年成立的": the year the company's project was approved is no founding year; an
    encyclopedia's other wording of the relation (创立于) still answers."""
    approved = _chunk("科技部公布2023年项目批复名单，凤麟核中科超睿（青岛）技术有限公司牵头申报的项目获批。")
    assert _answerer(approved).answer("凤麟核中科超睿（青岛）技术有限公司是哪一年成立的？", [], _hits(approved)).refused
    founded = _chunk("凤麟核中科超睿（青岛）技术有限公司创立于2019年。")
    assert "2019年" in _answerer(founded).answer("凤麟核中科超睿（青岛）技术有限公司是哪一年成立的？", [], _hits(founded)).text


def test_a_part_that_opens_with_its_verb_keeps_the_conditions_of_the_part_before() -> None:
    """"…一次全会是什么时候开的？审议通过了什么文件？": the second part asks of 一次全会 too,
    and what 二次全会 passed does not answer it."""
    chunk = _chunk("市委十三届二次全会审议通过了《中共青岛市委关于深入学习宣传贯彻党的二十大精神的决议》。")
    answer = _answerer(chunk).answer("市委十三届一次全会是什么时候开的？审议通过了什么文件？", [], _hits(chunk))
    assert answer.refused and "决议" not in answer.text
    assert not _answerer(chunk).answer("市委十三届二次全会是什么时候开的？审议通过了什么文件？", [], _hits(chunk)).refused


def test_a_bare_part_keeps_the_conditions_of_the_part_before() -> None:
    """"济南首单…是哪家公司发的？规模多大？": "规模多大" names nothing of its own, so it asks of
    济南's bond too, and 青岛首单's 5亿元 does not answer it."""
    chunk = _chunk("青岛财通集团有限公司日前在深圳成功发行青岛首单创新创业公司债券，债券规模为5亿元。")
    answer = _answerer(chunk).answer("济南首单创新创业公司债券是哪家公司发的？规模多大？", [], _hits(chunk))
    assert answer.refused and "5亿元" not in answer.text
    assert "5亿元" in _answerer(chunk).answer("青岛首单创新创业公司债券是哪家公司发的？规模多大？", [], _hits(chunk)).text


def test_a_name_asked_of_someone_by_what_they_do_needs_a_name() -> None:
    """"那位…的社工，叫什么名字": a sentence about what social workers do names nobody."""
    question = "桃园社区那位48小时没动静就上门的社工，叫什么名字？"
    assert analyse(question, EMPTY).answer_type == "person"
    assert not _verdict(question, "在桃园社区，只要老人48小时没有刷卡记录，社工和家属就会收到信息，并上门了解情况。").ok
    assert _verdict(question, "桃园社区社工王海说，老人48小时没有刷卡记录，她就上门了解情况。").ok
    assert _verdict("那位老人叫什么名字？", "老人李树安说，姜涛就像自己的儿子。").ok
    # "海尔集团是哪位高管陪同的": an official of the city who went along is no executive of Haier
    assert not _verdict("海尔集团是哪位高管出面陪同的？", "孙爱军到海尔集团宣讲，市委常委、宣传部部长刘升勤陪同。").ok
    assert _verdict("海尔集团是哪位高管出面陪同的？", "孙爱军到海尔集团宣讲，海尔集团高管王刚陪同。").ok


def test_a_later_english_clause_keeps_the_year_the_first_states() -> None:
    """"How fast did it grow in 2023, and for how many years in a row…": the second clause
    is of 2023 too, so 2023年 is no answer to it; the 4 years are."""
    chunk = _chunk("2023年规上工业增加值增速12.8%，连续4年保持两位数增长。")
    answer = _answerer(chunk).answer("How fast did Jiaozhou's industrial value added grow in 2023, and for how many years in a row "
                                     "has it grown by double digits?", [], _hits(chunk))
    assert answer.text.startswith("12.8%") and "4年 (4 years)" in answer.text and "2023年, according" not in answer.text


def test_a_figure_the_question_gives_does_not_lead_the_answer() -> None:
    """"How many of the 11 lines…": 11条 is in the sentence, but the question gave it; the
    third-phase plan's lines are the answer, and "third-phase" is the phase 3期."""
    chunk = _chunk("推动轨道交通三期建设规划的7条线路139公里“批复即开工”，轨道交通全部在建线路达到11条，共219公里。")
    question = "Qingdao had 11 rail transit lines under construction. How many of them came from the third-phase construction plan?"
    assert ("phase", "3期") in {(c.kind, c.value) for c in analyse(question, EMPTY).constraints}
    assert _answerer(chunk).answer(question, [], _hits(chunk)).text.startswith("7条")


def test_a_part_answered_in_part_from_a_sentence_already_quoted_does_not_quote_it_again() -> None:
    """"市北区和崂山区各自…": the sentence about 市北区 answers the first part and is the
    closest passage for the second; the reader sees it once, cited by both."""
    chunk = _chunk("2023年，市北区实施老旧街区改造工程，惠及群众5.2万户，加装既有住宅电梯100部以上。")
    quote = Quote(chunk, 0, len(chunk.text))
    found = [Finding("answer", [quote]), Finding("partial", [quote], missing="崂山区", missing_kind="place", instead="市北区")]
    text = compose("2023年，市北区和崂山区各自的老旧街区改造计划规模是怎样的？", found, False).text
    assert text.endswith("文章没有针对崂山区的说法；文章提到的是市北区[1]。") and text.count("惠及群众5.2万户") == 1
    english = compose("How large are the Shibei and Laoshan plans?", found, True).text
    assert english.endswith("the closest they give is for 市北区 [1].") and english.count("惠及群众5.2万户") == 1


def test_a_speakers_tag_ends_the_quoted_sentence() -> None:
    """"……找上门来了。”乔智明说。": a question naming the speaker quotes what he said,
    not the tag alone."""
    chunk = _chunk("有的用户很惊讶，自己还没反映问题，供热人就找上门来了。“这是我们的本分。”乔智明说。他每天巡查。")
    answer = _answerer(chunk).answer("乔智明说了什么？", [], _hits(chunk))
    assert "这是我们的本分" in answer.text and not answer.text.startswith("乔智明说")


def test_a_name_only_listed_inside_a_sentence_about_something_else_is_no_answer() -> None:
    """"威拍哇丽兰室路又名什么": the park's sentence lists the road between two others and
    says nothing of it; a sentence about the road itself answers."""
    park = _chunk("乍都节公园位于曼谷的乍都节县，是拍凤裕庭路、威拍哇丽兰室路、甘烹碧路之间的一处公众游园地。")
    assert _answerer(park).answer("威拍哇丽兰室路又名什么？", [], _hits(park)).refused
    assert _answerer(park).answer("威拍哇丽兰室路途径哪些区域？", [], _hits(park)).refused
    road = _chunk("威拍哇丽兰室路又名皇后路，途经曼谷北部的乍都节县。")
    assert "皇后路" in _answerer(road).answer("威拍哇丽兰室路又名什么？", [], _hits(road)).text


def test_a_sentence_cut_short_before_its_value_is_never_quoted() -> None:
    text = "瓦士本市的地理位置为。它位于威斯康辛州的北部，苏必利尔湖畔。这是一种违法行为。"
    assert [text[start:end] for start, end, _, _ in spans_of(text)] == ["它位于威斯康辛州的北部，苏必利尔湖畔。", "这是一种违法行为。"]


def test_a_question_comparing_two_districts_quotes_either() -> None:
    laoshan = _chunk("崂山区2023年将力争实现全区生产总值增长6.5%以上。")
    shibei = _chunk("市北区2023年的主要预期目标是地区生产总值增长5.5%左右。", title="另一篇报道", article="b.txt#0")
    hits = _hits(laoshan, shibei)
    answer = _answerer(laoshan, shibei).answer("崂山区2023年生产总值增长目标比市北区高几个百分点？", [], hits)
    assert not answer.refused and {c.quote for c in answer.citations} >= {laoshan.text, shibei.text}


def test_a_question_naming_two_years_or_listed_names_quotes_either() -> None:
    """"2022年和2023年的两篇报道里，提到过哪些“一刻钟”或“15分钟”的服务圈": each
    report holds one year and one of the names; each answers a part."""
    older = _chunk("2022年，市北区加快推进“一刻钟政务服务圈”建设。", date="2022-12-06")
    newer = _chunk("2023年，市北区将打造15分钟中医药优质服务圈。", title="另一篇报道", article="b.txt#0", date="2023-01-10")
    question = "市北区2022年和2023年的两篇报道里，提到过哪些“一刻钟”或“15分钟”的服务圈？"
    answer = _answerer(older, newer).answer(question, [], _hits(older, newer))
    assert not answer.refused and {c.quote for c in answer.citations} >= {older.text, newer.text}
    # "浮山三小区的李树安和上流佳苑的李建民分别说了什么": places of any level, each a part
    fushan = _chunk("浮山三小区的李树安说，家里的水龙头坏了也找他们。", date="2022-12-06")
    shangliu = _chunk("住在上流佳苑社区的居民李建民说，室温只有21℃。", title="另一篇报道", article="c.txt#0", date="2024-02-22")
    both = "浮山三小区的李树安和上流佳苑的李建民，分别说了什么？"
    answer = _answerer(fushan, shangliu).answer(both, [], _hits(fushan, shangliu))
    assert not answer.refused and {c.quote for c in answer.citations} >= {fushan.text, shangliu.text}
    assert not _verdict("浮山三小区和上流佳苑有哪些居民说了话？", shangliu.text).ok  # a plain list: each place holds
    # one year asked: the other year's report is another year's fact
    assert _verdict("市北区2023年提到过哪些服务圈？", older.text).missing.value == "2023"


def test_partial_answer_says_what_is_missing_and_cites() -> None:
    chunk = _chunk("据了解，市北区前三季度固定资产投资增速15%，全市位列第4。")
    answer = _answerer(chunk).answer("市北区2022年全年固定资产投资增速是多少？", [], _hits(chunk))
    assert answer.refused and answer.partial
    # It says the articles give no answer *for the full year*, not that they say nothing of it.
    assert answer.text.startswith("文章没有针对全年的说法；文章提到的是前三季度：")
    assert answer.citations and answer.citations[0].quote in chunk.text
    # In English, the condition in the words an English question uses for it.
    retail = _chunk("1-10月，崂山区限上零售业增长22.1%，高于全市9.9个百分点。")
    english = _answerer(retail).answer("By how many percentage points did Laoshan retail growth for the whole of 2022 "
                                       "exceed the city's?", [], _hits(retail))
    assert english.partial and english.text.startswith("The articles give no answer for the full year (全年); "
                                                       "the closest they give is for 1-10月 [1]")
    # A person asked and only a body named: the answer says no one is named, not "no figure for 具体人名".
    body = _chunk("会上，市生态环境局汇报了水环境质量工作方案，与会人员进行讨论发言。")
    who = _answerer(body).answer("会上是谁汇报了水环境质量工作方案？", [], _hits(body))
    assert who.partial and who.text.startswith("文章没有给出具体人名；文章提到的是市生态环境局：")
    named = Finding("partial", [Quote(body, 0, len(body.text))], missing="具体人名", missing_kind="type", instead="市生态环境局")
    assert compose("Who reported on the plan?", [named], True).text.startswith("The articles name no person; the closest they name is 市生态环境局 [1]")
    dean = Finding("partial", [Quote(body, 0, len(body.text))], missing="院长", missing_kind="type")
    assert compose("研究院的院长是谁？", [dean], False).text.startswith("文章没有提到院长是谁；最接近的内容：")


# ----- enumerations, metadata lists, English --------------------------------------

def test_enumerated_points_become_a_list() -> None:
    text = ("会议强调，下一步要抓好三项工作：一是加快项目建设，确保按期投产；二是强化要素保障，破解用地难题；"
            "三是优化营商环境，提升服务效能。")
    chunk = _chunk(text)
    listed = points([chunk], 0)
    assert [chunk.text[p.start : p.end] for p in listed] == ["一是加快项目建设", "二是强化要素保障", "三是优化营商环境"]
    answer = _answerer(chunk).answer("会议提出了哪几项工作？", [], _hits(chunk))
    assert answer.text.splitlines() == ["1. 一是加快项目建设。[1]", "2. 二是强化要素保障。[1]", "3. 三是优化营商环境。[1]"]
    # "概括成了什么样的…" asks for the phrase it was summed up as, not for a summary
    assert analyse("会议提出的工作可以概括一下吗？", EMPTY).summary
    assert not analyse("报道把变化概括成了什么样的“蝶变焕新”？", EMPTY).summary
    assert not analyse("那个平台往大了说是想在哪方面见成效？", EMPTY).summary  # one aspect asked, no overview
    assert analyse("刘学俊说要从哪几个方面发力？", EMPTY).summary and analyse("从哪几方面发力？", EMPTY).summary


def test_an_answer_of_several_long_sentences_is_cut_to_the_clauses_that_answer() -> None:
    filler = "坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展，统筹发展和安全，"
    first = _chunk(f"市北区表示，{filler}2023年固定资产投资增长10%左右，{filler}确保完成全年目标任务。", article="a.txt#0")
    second = _chunk(f"崂山区表示，{filler}2023年一般公共预算收入增长8%以上，{filler}奋力开创发展新局面。", article="b.txt#0")
    answer = _answerer(first, second).answer("市北区2023年固定资产投资增长目标是多少？崂山区2023年一般公共预算收入增长目标是多少？", [],
                                            _hits(first, second))
    assert "10%左右" in answer.text and "8%以上" in answer.text
    assert len(answer.text) < 260 and all(c.quote in c.chunk.text for c in answer.citations)


def test_a_keyed_list_names_the_phrases_holding_the_quoted_word() -> None:
    text = ("市应急管理局实施全程智能审批服务，做到“申请材料自动比对、审查文书自动生成、电子证照自动签章、许可证照快速送达”。"
            "实现了“决策部署零延误、执法对象零投诉、机关干部零违纪”“三零”目标。")
    chunk = _chunk(text)
    answer = _answerer(chunk).answer("审批服务要做到哪几个“自动”？", [], _hits(chunk))
    assert answer.text.splitlines() == ["1. 申请材料自动比对。[1]", "2. 审查文书自动生成。[1]", "3. 电子证照自动签章。[1]"]
    zeros = _answerer(chunk).answer("“三零”目标分别是哪三个“零”？", [], _hits(chunk))
    assert zeros.text.splitlines() == ["1. 决策部署零延误。[1]", "2. 执法对象零投诉。[1]", "3. 机关干部零违纪。[1]"]
    assert _answerer(chunk).answer("要做到哪几个“免费”？", [], _hits(chunk)).text.count("\n") == 0  # no items: no list
    # a one-character key is a suffix: the words ending in it that a 、 joins, not every phrase holding it
    suffixed = _chunk("紧扣推进新型工业化主题主线，坚持把数字化、网络化、智能化作为主攻方向，加快工业现代化。")
    assert _answerer(suffixed).answer("哪几个“化”是主攻方向？", [], _hits(suffixed)).text.splitlines() == [
        "1. 数字化。[1]", "2. 网络化。[1]", "3. 智能化。[1]"]
    # items parted by commas keep their own 、-parted phrases
    musts = _chunk("书记们紧扣“务必不忘初心、牢记使命，务必谦虚谨慎、艰苦奋斗，务必敢于斗争、善于斗争”，为党员讲党课。")
    listed = _answerer(musts).answer("讲党课时紧扣的是哪几个“务必”？", [], _hits(musts))
    assert listed.text.splitlines() == ["1. 务必不忘初心、牢记使命。[1]", "2. 务必谦虚谨慎、艰苦奋斗。[1]", "3. 务必敢于斗争、善于斗争。[1]"]


def test_parallel_sentences_after_a_speaker_are_points() -> None:
    text = "赵豪志强调，要加强合作，拓展产业链条。要加快推进园区扩区。要绷紧安全生产这根弦。散会。"
    listed = points([_chunk(text)], 0)
    assert len(listed) == 3 and text[listed[2].start :].startswith("要绷紧安全生产")


def test_pieces_of_one_sentence_that_open_alike_are_points_before_sub_headings() -> None:
    """"以科技创新推动智能化升级、以绿色化支持可持续发展、以集群化构建产业生态": a list
    inside one sentence, nearer the answer than the article's sub-headings."""
    first = _chunk("海尔集团董事局主席周云杰表示，高端化是产业升级的必经之路。\n海尔将继续以科技创新推动智能化升级、以绿色化支持可持续发展、"
                   "以集群化构建产业生态。在智能技术领域加快布局与投资。", section="向“高”：加快向价值链高端爬升")
    second = _chunk("随着全球能源变革的演进，绿色已经成为制造业的核心竞争力。", article="a.txt#0", start=len(first.text) + 1,
                    section="向“绿”：加速制造业节能降碳")
    listed = points([first, second], 0)
    assert [first.text[p.start : p.end] for p in listed] == ["以科技创新推动智能化升级", "以绿色化支持可持续发展", "以集群化构建产业生态"]
    # two pieces, or pieces that open differently, are no list
    assert points([_chunk("加快项目落地、加速产业布局。")], 0) == []
    assert points([_chunk("以科技创新推动升级、用绿色化支持发展、靠集群化构建生态。")], 0) == []


def test_a_sentence_naming_as_many_items_as_asked_is_the_list() -> None:
    """"练哪四样基本功": the best sentence names four together ("写、练、说、讲"), so it is
    quoted, not the article's four sub-headings that stand around it."""
    first = _chunk("实施“举旗铸魂”工程，打造政治机关。", section="实施“举旗铸魂”工程")
    second = _chunk("搭建年轻干部“写、练、说、讲”平台，拓宽选育干部渠道。", article="a.txt#0", start=len(first.text) + 1,
                    section="实施“强基固本”工程")
    answer = _answerer(first, second).answer("应急管理局主要让年轻干部练哪四样基本功？", [], _hits(second, first))
    assert "写、练、说、讲" in answer.text and "举旗铸魂" not in answer.text
    # asked for three, the four-item sentence is not the list: the sub-headings are
    listed = _answerer(first, second).answer("应急管理局主要让年轻干部练哪三样基本功？", [], _hits(second, first))
    assert "举旗铸魂" in listed.text


def test_a_question_in_the_text_is_judged_with_its_answer() -> None:
    """"基层没少跑，工作没少做，为什么有的群众不买账？" repeats the reader's question; the
    sentence after it answers it, so the two are one candidate, never the question alone."""
    text = ("怀着强烈的问题意识，市北区精心筹划。基层没少跑，工作没少做，为什么有的群众不买账？"
            "究其原因就在于——抓不到“点子”上，帮不到“根子”上。\n新的段落有问题吗？")
    quoted = [text[start:end] for start, end, _, _ in spans_of(text)]
    assert "基层没少跑，工作没少做，为什么有的群众不买账？究其原因就在于——抓不到“点子”上，帮不到“根子”上。" in quoted
    assert "基层没少跑，工作没少做，为什么有的群众不买账？" not in quoted
    assert "新的段落有问题吗？" in quoted  # the last question of its paragraph stays itself


def test_a_quoted_sentence_that_lists_is_the_list() -> None:
    """"有哪些做法被说成“彰显青岛应急特色”": the question quotes the sentence it means, and
    that sentence lists the measures, so it is quoted, not the article's sub-headings."""
    first = _chunk("实施“举旗铸魂”工程，打造政治机关。", section="实施“举旗铸魂”工程")
    second = _chunk("季度安全周、“一报告、一审计、一档案”制度、包保责任制等措施，彰显青岛应急特色。", article="a.txt#0",
                    start=len(first.text) + 1, section="实施“强基固本”工程")
    answer = _answerer(first, second).answer("市应急管理局有哪些做法被说成“彰显青岛应急特色”？", [], _hits(second, first))
    assert "季度安全周" in answer.text and "举旗铸魂" not in answer.text
    # without the quote the question asks for the article's points
    listed = _answerer(first, second).answer("市应急管理局主要有哪些做法？", [], _hits(second, first))
    assert "举旗铸魂" in listed.text


def test_reports_by_a_reporter_are_listed_from_bylines() -> None:
    first = _chunk("今冬供热面积3.35亿平方米，居民用户304万户。", title="供热更暖心", article="a.txt#0", byline="贾臻")
    second = _chunk("社区社会组织参与文明实践。", title="社区组织", article="b.txt#0", byline="贾臻、王冰洁", date="2022-11-13")
    other = _chunk("污水处理厂获评标杆。", title="污水处理", article="c.txt#0", byline="吴帅")
    answer = _answerer(first, second, other).answer("记者贾臻写了哪些报道？", [], _hits(other))
    assert not answer.refused
    assert "《社区组织》" in answer.text and "《供热更暖心》" in answer.text and "污水处理" not in answer.text
    assert {c.chunk.article_id for c in answer.citations} == {"a.txt#0", "b.txt#0"}
    # A question that names the word only to set the scene asks for one fact, not a list.
    assert analyse("这几期报纸里提到“三年”的地方：市发改委要实施什么行动？", EMPTY).mentions == ()
    assert "《供热更暖心》（2022-12-06）：今冬供热面积3.35亿平方米" in answer.text  # what the report is on


def test_reports_mentioning_a_quoted_word_are_listed_one_clause_each() -> None:
    """"这几期报纸里哪些报道提到了“三年”？": every article holding the word, in date order,
    each with the clause that holds it, cited."""
    heating = _chunk("计划利用三年时间，关停燃煤锅炉56台。供热面积3.35亿平方米。", title="供热更暖心", article="a.txt#0", date="2022-12-06")
    economy = _chunk("市发改委将实施实体经济振兴发展三年行动，推动项目落地。", title="振兴实体经济", article="b.txt#0", date="2022-11-13")
    other = _chunk("崂山区投入2300万元启动消费季。", title="消费季", article="c.txt#0", date="2022-12-06")
    answerer = ExtractiveAnswerer(_lexical(heating, economy, other), AnswerSettings(min_support=0.0),
                                  lambda ids: {i: [c for c in (heating, economy, other) if c.article_id == i] for i in ids},
                                  lambda: [heating, economy, other])
    answer = answerer.answer("这几期报纸里哪些报道提到了“三年”？", [], _hits(other))
    assert not answer.refused
    assert answer.text.splitlines() == ["提到“三年”的报道有2篇：",
                                        "1. 《振兴实体经济》（2022-11-13）：市发改委将实施实体经济振兴发展三年行动。[1]",
                                        "2. 《供热更暖心》（2022-12-06）：计划利用三年时间。[2]"]
    assert {c.chunk.article_id for c in answer.citations} == {"a.txt#0", "b.txt#0"}


def test_reports_mentioning_an_unquoted_name_are_listed_with_their_reporters() -> None:
    """"凡是写到崂山区的报道，分别出自哪几位记者之手": the name needs no quotation marks, the
    reporters are asked, and a name jieba cuts inside a longer word (张村河水净化厂 as
    张村/河水) is still found."""
    consumption = _chunk("崂山区投入2300万元启动消费季。", title="消费季", article="a.txt#0", date="2022-12-06", byline="衣涛")
    water = _chunk("张村河水净化厂日污水处理能力4万吨。", title="污水处理", article="b.txt#0", date="2022-11-13", byline="吴帅")
    schools = _chunk("崂山区株洲路两侧和张村河两岸规划预留了多所学校。", title="青钢遗址公园", article="c.txt#0", date="2023-01-06",
                     byline="王冰洁")
    other = _chunk("市北区新增公办学位1500个。", title="市北", article="d.txt#0", date="2022-11-14", byline="余瑞新")
    chunks = (consumption, water, schools, other)
    answerer = ExtractiveAnswerer(_lexical(*chunks), AnswerSettings(min_support=0.0),
                                  lambda ids: {i: [c for c in chunks if c.article_id == i] for i in ids}, lambda: list(chunks))
    assert analyse("这几期报纸里，凡是写到崂山区的报道，分别出自哪几位记者之手？", EMPTY).mentions == ("崂山区",)
    assert analyse("这几期报纸里哪些报道提到了张村河？", EMPTY).mentions == ("张村河",)
    assert analyse("这几期报纸里写到了李沧区的哪几个社区？", EMPTY).mentions == ("李沧区",)  # the items are in the clauses
    assert analyse("这几期报纸里出场的人，头衔里带“部长”两个字的有哪几位？", EMPTY).mentions == ("部长",)
    signed = answerer.answer("这几期报纸里，凡是写到崂山区的报道，分别出自哪几位记者之手？", [], _hits(other))
    assert signed.text.splitlines()[0] == "提到“崂山区”的报道有2篇："
    assert "记者 衣涛" in signed.text and "记者 王冰洁" in signed.text and "余瑞新" not in signed.text
    river = answerer.answer("这几期报纸里哪些报道提到了张村河？", [], _hits(other))
    assert {c.chunk.article_id for c in river.citations} == {"b.txt#0", "c.txt#0"}
    # "X在这几期报纸里露过几回面" asks the same; "署没署记者的名" asks for the bylines
    asked = "崂山区在这几期报纸里露过几回面？分别是哪篇报道、署没署记者的名？"
    assert analyse(asked, EMPTY).mentions == ("崂山区",)
    appeared = answerer.answer(asked, [], _hits(other))
    assert appeared.text.splitlines()[0] == "提到“崂山区”的报道有2篇：" and "记者 衣涛" in appeared.text


def test_a_sentence_two_parts_quote_is_printed_once() -> None:
    chunk = _chunk("王涛以深入浅出、主题鲜明的宣讲，将党的二十大精神播撒在党员干部心间。")
    question = "王涛的宣讲讲得怎么样？文章是怎么评价王涛那次宣讲的？"
    assert len(split_question(question)) == 2
    answer = _answerer(chunk).answer(question, [], _hits(chunk))
    assert not answer.refused and answer.text.count("深入浅出") == 1 and "没有找到" not in answer.text


def test_a_quoted_name_may_be_the_articles_sub_heading() -> None:
    # "在“举旗铸魂”那部分": the name is a sub-heading, which the article's text does not hold
    # (the article is judged under the sub-heading of one retrieved chunk, here the last one's)
    first = _chunk("2022年7月，市应急管理局组织开展处长“亮绩”“赛绩”擂台赛，提升干部队伍整体素质。",
                   section="实施“举旗铸魂”工程，打造政治机关")
    second = _chunk("全局推进应急管理体系建设，提升干部队伍应急处置能力。", start=60, section="实施“强基固本”工程")
    heading = _chunk("实施“举旗铸魂”工程，打造政治机关", article="h.txt#0")  # the index holds the sub-heading's words
    answerer = ExtractiveAnswerer(_lexical(first, second, heading), AnswerSettings(min_support=0.0),
                                  lambda ids: {i: [c for c in (first, second) if c.article_id == i] for i in ids}, lambda: [first])
    question = "市应急管理局在“举旗铸魂”那部分，为提高干部队伍素质搞了哪些活动？"
    assert ("entity", "举旗铸魂") in {(c.kind, c.value) for c in analyse(question, _lexical(first, second, heading)).constraints}
    answer = answerer.answer(question, [], _hits(first, second))
    assert not answer.refused and "擂台赛" in answer.text


def test_a_word_said_to_recur_across_reports_lists_each_use() -> None:
    """"“1500”这个数在两篇不同的报道里都出现过，各指的是什么": the question names the word
    first and asks what each use means, so every article holding it is listed with its
    clause, as for "哪些报道提到了“…”"; one that goes on with questions of its own is
    answered part by part."""
    talent = _chunk("每年引进留学归国人才1500人以上，新增就业4万人。", title="人社事业", article="a.txt#0", date="2022-11-13")
    school = _chunk("新建学校5所，新增公办学位1500个。", title="市北区两会", article="b.txt#0")
    other = _chunk("崂山区投入2300万元启动消费季。", title="消费季", article="c.txt#0", date="2022-12-06")
    answerer = ExtractiveAnswerer(_lexical(talent, school, other), AnswerSettings(min_support=0.0),
                                  lambda ids: {i: [c for c in (talent, school, other) if c.article_id == i] for i in ids},
                                  lambda: [talent, school, other])
    question = "“1500”这个数在两篇不同的报道里都出现过，各指的是什么？"
    assert analyse(question, EMPTY).mentions == ("1500",)
    answer = answerer.answer(question, [], _hits(other))
    assert not answer.refused
    assert "留学归国人才1500人以上" in answer.text and "新增公办学位1500个" in answer.text and "消费季" not in answer.text
    assert {c.chunk.article_id for c in answer.citations} == {"a.txt#0", "b.txt#0"}
    assert analyse("“浮山”这个地名在两篇不同的报道里都出现了：浮山供热中心站负责多大的供热范围？", EMPTY).mentions == ()
    # the reports may come before the word
    assert analyse("“1500”这个数在两期报纸里冒出来好几回，各说的是什么？", EMPTY).mentions == ("1500",)
    reports_first = "有两篇报道都用了“1500”这个数。分别是指什么？"
    assert analyse(reports_first, EMPTY).mentions == ("1500",)
    assert {c.chunk.article_id for c in answerer.answer(reports_first, [], _hits(other)).citations} == {"a.txt#0", "b.txt#0"}


def test_reports_under_quoted_kickers_are_listed_with_their_reporters() -> None:
    """"哪两篇报道标着“二十大精神 在身边”和“党的二十大精神在机关”专栏？哪位记者写的？":
    a column label above the headline (the kicker) counts as the article's words, each
    quoted word is looked for, and the question asks who wrote them."""
    city = replace(_chunk("前不久，青兰高速公路改扩建工程通过用地预审。", title="实施城市更新行动", article="a.txt#0",
                          date="2022-11-13", byline="王冰洁"), kicker="二十大精神 在身边")
    heating = _chunk("11月28日早晨9点，姜涛敲响居民的家门。", title="党的二十大精神在机关 “服务管家”常登门", article="b.txt#0",
                     date="2022-12-06", byline="贾臻")
    other = _chunk("崂山区投入2300万元启动消费季。", title="消费季", article="c.txt#0", date="2022-12-06", byline="吴帅")
    question = "这几期报纸里哪几篇报道标着“二十大精神 在身边”和“党的二十大精神在机关”这样的专栏字样？分别是哪位记者写的？"
    assert analyse(question, EMPTY).mentions == ("二十大精神 在身边", "党的二十大精神在机关")
    answer = _answerer(city, heating, other).answer(question, [], _hits(other))
    assert not answer.refused and "王冰洁" in answer.text and "贾臻" in answer.text and "消费季" not in answer.text
    assert {c.chunk.article_id for c in answer.citations} == {"a.txt#0", "b.txt#0"}


def test_a_measure_no_article_uses_is_a_condition_no_figure_of_another_meets() -> None:
    """"消费券一张面额是多少钱": 面额, right before the question word, is the measure asked;
    no article uses it, so the sentence giving the coupons' total is no answer. A measure
    holding a word the articles use (人口数量 is 人口's) or a verb (动用了多少人次) asks
    nothing new."""
    coupons = _chunk("崂山区投入2300万元启动消费季，发放零售、餐饮消费券400万元。", article="a.txt#0")
    census = _chunk("2006年人口统计数据为1694人。全市出动1000多人次开展检查。", article="b.txt#0")
    lexical = _lexical(coupons, census)
    asked = analyse("崂山区消费季发的消费券，一张面额是多少钱？", lexical)
    assert ("entity", "面额") in {(c.kind, c.value) for c in asked.constraints}
    answerer = _answerer(coupons, census)
    answerer.lexical = lexical  # the words the articles use decide
    assert answerer.answer("崂山区消费季发的消费券，一张面额是多少钱？", [], _hits(coupons)).refused
    for known in ("2006年的人口数量是多少？", "检查一共动用了多少人次？"):
        assert not [c for c in analyse(known, lexical).constraints if c.kind == "entity"]
    assert ("entity", "面额") not in {(c.kind, c.value) for c in analyse("一张面额是多少钱？", EMPTY).constraints}  # an empty index knows no word


def test_reporters_named_by_their_surname_are_each_byline_name_with_it() -> None:
    """"这几期报纸里有两位姓薛的记者。他们各写了哪几篇？": no name is given, only the
    surname, so every byline name starting with it is listed with its reports."""
    meeting = _chunk("今天下午，领导小组会议召开。", title="化工会议", article="a.txt#0", date="2022-12-06", byline="薛华飞")
    lecture = _chunk("今天下午，宣讲团在青岛宣讲。", title="宣讲", article="b.txt#0", date="2022-11-14", byline="薛君妍")
    heating = _chunk("姜涛敲响居民的家门。", title="供热更暖心", article="c.txt#0", date="2022-12-06", byline="贾臻")
    answer = _answerer(meeting, lecture, heating).answer("这几期报纸里有两位姓薛的记者。他们各写了哪几篇、登在哪一期？", [], _hits(heating))
    assert answer.text.splitlines()[0] == "姓薛的记者有薛华飞、薛君妍，署名的报道有2篇："
    assert "贾臻" not in answer.text and {c.chunk.article_id for c in answer.citations} == {"a.txt#0", "b.txt#0"}


def test_reports_are_picked_by_how_the_paper_printed_them() -> None:
    """"副题以“青岛”打头的有哪几篇？", "哪篇署了三个人的名字？", "哪几篇既挂了引题、又加
    了副题？": no sentence says how a report was printed, so the parsed kicker, deck,
    byline and opening sentence answer, every report that fits listed with what the
    question asked about, its byline and date, each cited."""
    city = replace(_chunk("前不久，青兰高速公路改扩建工程通过用地预审。", title="实施城市更新行动", article="a.txt#0",
                          date="2022-11-13", byline="王冰洁"), kicker="二十大精神 在身边", subtitle="青岛提高城市规划、建设、治理水平")
    platform = replace(_chunk("一个区域应该发展什么样的项目？智慧平台可以提前查。", title="项目是否碰了生态“线”", article="b.txt#0",
                              date="2024-02-22", byline="吴帅"), subtitle="青岛市“三线一单”数据智慧应用平台上线")
    safety = replace(_chunk("干部队伍的整体素质直接关系到成效。", title="护航发展 值得托付", article="c.txt#0", date="",
                            byline="梁超、朱有祥、宋津"), subtitle="应急管理局实施“三大工程”")
    market = replace(_chunk("崂山区投入2300万元启动消费季。", title="消费季", article="d.txt#0", byline="衣涛、张绪霞"),
                     kicker="推进招商引资 加快项目建设")
    answerer = _answerer(city, platform, safety, market)
    decks = answerer.answer("主标题底下那行副题，有哪几篇是以“青岛”两个字打头的？分别是哪位记者写的？", [], _hits(market))
    assert decks.text.splitlines()[0] == "副题以“青岛”打头的报道有2篇："
    assert "王冰洁" in decks.text and "吴帅" in decks.text and "梁超" not in decks.text
    assert {c.chunk.article_id for c in decks.citations} == {"a.txt#0", "b.txt#0"}
    three = answerer.answer("这几期报纸里，有没有哪篇报道一口气署了三个人的名字？是哪几篇、署的是谁？", [], _hits(market))
    assert "梁超、朱有祥、宋津" in three.text and "衣涛" not in three.text and len(three.citations) == 1
    both = answerer.answer("有哪几篇报道既在标题上方挂了引题、又在主标题下面加了副题？各是哪天登的？", [], _hits(market))
    assert both.text.splitlines()[0].startswith("有引题、有副题的报道有1篇") and "引题“二十大精神 在身边”" in both.text
    kicker = answerer.answer("一条引题是“推进招商引资 加快项目建设”，挂在哪篇报道上？谁署的名？", [], _hits(city))
    assert "《消费季》" in kicker.text and "衣涛" in kicker.text and len(kicker.citations) == 1
    asking = answerer.answer("哪几篇报道的正文一上来第一句就是个问句？各是谁写的？", [], _hits(market))
    assert "一个区域应该发展什么样的项目？" in asking.text and "吴帅" in asking.text and len(asking.citations) == 1
    # a reporter named picks that reporter's reports; "…" in a quoted phrase stands for any words
    dated = replace(_chunk("为进一步发挥社区社会组织作用，通知下发。", title="社区社会组织参与文明实践", article="e.txt#0",
                           date="2022-11-13", byline="贾臻"), dateline="本报11月13日讯")
    other_dated = replace(_chunk("会议召开。", title="化工会议", article="f.txt#0", byline="薛华飞"), dateline="本报12月6日讯")
    undated = _chunk("11月28日早晨9点，姜涛敲响居民的家门。", title="供热更暖心", article="g.txt#0", byline="贾臻")
    datelines = _answerer(dated, other_dated, undated).answer(
        "贾臻署名的那几篇报道里，哪一篇开头带着“本报…讯”的电头？", [], _hits(undated))
    assert datelines.text.splitlines()[0] == "记者贾臻署名的报道中，电头带“本报…讯”的报道有1篇："
    assert "电头“本报11月13日讯”" in datelines.text and [c.chunk.article_id for c in datelines.citations] == ["e.txt#0"]
    undated_ones = _answerer(dated, other_dated, undated).answer("哪几篇报道不带“本报…讯”电头？", [], _hits(dated))
    assert "电头不带“本报…讯”的报道有1篇" in undated_ones.text and [c.chunk.article_id for c in undated_ones.citations] == ["g.txt#0"]
    # a day named picks that issue's reports; examples of a kind in quotation marks are no words to look for
    assert "吴帅" not in answerer.answer("2022年11月13日那期里，哪几篇在主标题下面另加了一行副题？", [], _hits(market)).text
    assert printed_conditions("哪几篇报道的主标题里写出了“多少个”“几座”这样的数量？") == []
    assert printed_conditions("实施城市更新行动那篇报道的副题说了什么？") == []  # about what a deck says, not which reports


def test_reports_of_a_day_are_listed_from_dates() -> None:
    first = _chunk("今冬供热面积3.35亿平方米。", title="供热更暖心", article="a.txt#0", date="2022-12-06", byline="贾臻")
    third = _chunk("化工专项行动成果。", title="化工会议", article="c.txt#0", date="2022-12-06", byline="薛华飞")
    second = _chunk("社区社会组织参与文明实践。", title="社区组织", article="b.txt#0", date="2022-11-13", byline="王冰洁")
    answerer = _answerer(first, second, third)
    answer = answerer.answer("12月6日的报纸刊登了哪些报道？", [], _hits(second))
    assert "《供热更暖心》" in answer.text and "《化工会议》" in answer.text and "社区组织" not in answer.text
    # Each item is its headline, cited; the day is said once, not per item, and the
    # article's first sentence stays in the citation rather than the list.
    assert answer.text.splitlines()[1:] == ["1. 《供热更暖心》[1]", "2. 《化工会议》[2]"]
    assert answer.citations[0].quote.startswith("今冬供热面积")
    reporters = answerer.answer("12月6日的报道有哪些记者署名？", [], _hits(second))
    assert reporters.text.startswith("12月6日的报道由这些记者署名：")
    assert "贾臻" in reporters.text.splitlines()[0] and "薛华飞" in reporters.text.splitlines()[0]
    assert "王冰洁" not in reporters.text and len(reporters.citations) == 2


def test_a_report_found_by_its_content_is_answered_from_its_metadata() -> None:
    """"写姜涛的那篇报道是哪天登的？记者是谁？": the report is found by what it is about,
    and the date and byline, which no sentence holds, come from its metadata."""
    heating = _chunk("今年刚刚上任供热服务管家的姜涛，轻轻敲响居民的家门。", title="供热更暖心", article="a.txt#0",
                     date="2022-12-06", byline="贾臻")
    station = _chunk("换热站站长乔智明带着同事巡查设施。", title="金水源换热站", article="b.txt#0", date="2024-02-22", byline="")
    other = _chunk("污水处理厂获评标杆。", title="污水处理", article="c.txt#0", byline="吴帅")
    answerer = _answerer(heating, station, other)
    answer = answerer.answer("写供热管家姜涛的那篇报道是哪天刊登的？记者是谁？", [], _hits(heating, other))
    assert not answer.refused and not answer.partial
    assert "《供热更暖心》" in answer.text and "贾臻" in answer.text and "2022-12-06" in answer.text
    assert "吴帅" not in answer.text and answer.citations[0].chunk.article_id == "a.txt#0"
    both = answerer.answer("写姜涛和乔智明的两篇报道分别是哪天登的，署名记者是谁？", [], _hits(station, heating, other))
    assert "《供热更暖心》" in both.text and "《金水源换热站》" in both.text and "未署名" in both.text
    english = answerer.answer("Which reporter wrote the article about the heating steward Jiang Tao?", [], _hits(heating, other))
    assert "贾臻" in english.text and "《供热更暖心》" in english.text
    # a question about the content itself is no question about the report
    assert "《" not in answerer.answer("姜涛是做什么工作的？", [], _hits(heating, other)).text
    for about_the_text in ("文章中市长发表了什么讲话？", "新闻中提到的报告是哪天发布的？", "报道中项目什么时候开工？"):
        assert not asks_for_report(about_the_text)


def test_a_long_list_of_reports_names_each_by_its_own_first_lines() -> None:
    """A headline is parsed as kicker, title and decks in one line. A line heading
    several articles (the same deck under two meetings) names none of them, and a long
    list names each report by its first lines."""
    first = _chunk("化工专项行动成果。", article="a.txt#0", title="市化工产业安全生产转型升级专项行动领导小组会议召开 加快化工产业转型升级 "
                   "推动绿色低碳高质量发展 赵豪志出席会议并讲话")
    second = _chunk("水环境质量提升。", article="b.txt#0", title="市政府召开提升国省控地表水考核断面水环境质量工作专题会议 “一河一策”健全长效机制 "
                    "高质高效推进水环境质量提升 赵豪志出席会议并讲话")
    answer = _answerer(first, second).answer("12月6日的报纸刊登了哪些报道？", [], _hits(first))
    assert answer.text.splitlines()[1:] == [
        "1. 《市化工产业安全生产转型升级专项行动领导小组会议召开 加快化工产业转型升级 推动绿色低碳高质量发展》[1]",
        "2. 《市政府召开提升国省控地表水考核断面水环境质量工作专题会议 “一河一策”健全长效机制 高质高效推进水环境质量提升》[2]",
    ]
    many = [_chunk(f"第{n}篇。", article=f"{n}.txt#0", title=f"第{n}篇报道的标题写得相当长一些 这是第{n}篇的第二行也写得很长很长 第{n}篇的第三行还要再长一些再长一些才行") for n in range(6)]
    listed = _answerer(*many).answer("12月6日的报纸刊登了哪些报道？", [], _hits(many[0])).text.splitlines()[1:]
    assert listed[0] == "1. 《第0篇报道的标题写得相当长一些 这是第0篇的第二行也写得很长很长》[1]" and len(listed) == 6


@pytest.mark.parametrize(
    ("value", "english"),
    [("3.35亿平方米", " (about 335 million square metres)"), ("400万元", " (about 4 million yuan)"),
     ("12万人", " (about 120,000 people)"), ("50亿美元", " (about 5 billion US dollars)"), ("22.1%", " (22.1 %)"),
     ("五成", "")],
)
def test_numbers_are_converted_for_english_answers(value: str, english: str) -> None:
    assert _in_english(value) == english


def test_an_english_yes_no_question_does_not_lead_with_a_chinese_word() -> None:
    """The evidence of a yes/no answer is a word (是, 不), not a fact: "不, according to the
    articles" reads as a broken answer."""
    chunk = _chunk("市北区2023年地区生产总值增长5.5%左右，一般公共预算收入增长6%左右，不搞大水漫灌。")
    answer = _answerer(chunk).answer("Is Shibei District's 2023 GDP growth target higher than its budget revenue target?", [], _hits(chunk))
    assert answer.text.startswith("According to the articles: “")


def test_english_question_is_answered_in_english_around_the_quote() -> None:
    chunk = _chunk("据市供热发展中心主任杨楠介绍，全市已进入正式供热阶段，供热面积3.35亿平方米，居民用户304万户。")
    answer = _answerer(chunk).answer("What is the total heating area in Qingdao this winter?", [], _hits(chunk))
    assert answer.text.startswith("3.35亿平方米 (about 335 million square metres), according to the articles: “")
    assert answer.citations[0].quote in chunk.text
    # An English question that quotes the paper's Chinese term is still English
    assert is_english("How many 'one-stop' (一事全办) service scenarios did the district launch?")
    assert not is_english("记者贾臻写了哪些报道？") and not is_english("BIM技术是什么？")
    assert not is_english("MIT OpenCourseWare指什么？")  # Chinese, about an English name
    scenes = _chunk("市北区上线“一事全办”主题服务场景158个，实现一次告知、一表申请。")
    quoted = _answerer(scenes).answer("How many 'one-stop' (一事全办) service scenarios did the district launch?", [], _hits(scenes))
    assert quoted.text.startswith("158个, according to the articles: “")


@pytest.mark.parametrize(
    ("text", "question", "lead"),
    [
        # The figure beside the asked words, not the first with the asked unit.
        ("仅东岸城区每年就可减少粉尘87吨，二氧化硫492吨、氮氧化物561吨。",
         "How many tonnes of sulphur dioxide a year will be cut?", "492吨 (492 tonnes)"),
        # A person other than the one the question names.
        ("省委宣讲团成员孙爱军深入我市企业宣讲。市委常委、宣传部部长刘升勤陪同。",
         "Who accompanied Sun Aijun when he visited companies?", "刘升勤"),
        # A year as a year, not as 2,018 years.
        ("张村河水净化厂作为首座全地下污水处理厂，2018年投入运行，日处理能力4万吨。",
         "In which year did the Zhangcunhe plant go into operation?", "2018年"),
        # The unit the question counts in: households, percentage points.
        ("为打通供热服务‘最后一米’，按照每3000户到5000户划分1个网格。",
         "How many households does one heating service grid cover?", "3000户 (3,000 households)"),
        ("1-10月，崂山区限上零售业增速高达22.1%，高于全市9.9个百分点。",
         "By how many percentage points did retail growth exceed the city's?", "9.9个百分点 (9.9 percentage points)"),
        # A year and month are one date; "go into use" is 投入使用.
        ("团岛污水处理厂该厂1999年5月投入使用，2010年11月完成升级改造。",
         "When did the Tuandao sewage treatment plant first go into use?", "1999年5月"),
        # Not the year the question states; "domestic capital put to use" is 利用内资.
        ("崂山区2023年全年新引进亿元以上项目100个，利用内资超过300亿元。",
         "How much domestic capital does Laoshan District aim to put to use in 2023?", "300亿元 (about 30 billion yuan)"),
    ],
)
def test_an_english_answer_leads_with_the_fact_asked_not_a_neighbour(text: str, question: str, lead: str) -> None:
    chunk = _chunk(text)
    assert _answerer(chunk).answer(question, [], _hits(chunk)).text.startswith(f"{lead}, according to the articles")


def test_a_time_of_week_or_season_answers_a_when_question() -> None:
    """"什么时候提供服务": "只在平日早上" is when, as a date would be."""
    chunk = _chunk("35M线是一条来往香港仔至湾仔的小巴路线，只在平日早上提供服务。由5号线于上车后一小时内转乘本线，第二程免费。")
    answer = _answerer(chunk).answer("35M线什么时候提供服务？", [], _hits(chunk))
    assert "平日早上" in answer.citations[0].quote


def test_a_time_of_day_answers_a_what_time_question() -> None:
    chunk = _chunk("直到凌晨十二点半才结束巡检。巡检最后结束时，他们忙着整理巡检记录。")
    answer = _answerer(chunk).answer("巡检最后忙到几点才结束？", [], _hits(chunk))
    assert answer.text.startswith("直到凌晨十二点半才结束巡检。")


def test_a_bit_faster_is_not_a_time_of_day() -> None:
    """"快一点" holds 一点, which is also one o'clock: not a date for "什么时候"."""
    chunk = _chunk("为了让这一重点工程推进得快一点、再快一点，前期主动靠前服务。", title="跨海大桥高架路工程加快推进")
    assert _answerer(chunk).answer("跨海大桥高架路工程计划什么时候开工？", [], _hits(chunk)).refused
    late = _chunk("巡检一直持续到晚上十一点。")
    assert not _answerer(late).answer("巡检持续到什么时候？", [], _hits(late)).refused


def test_a_colloquial_question_finds_the_papers_wording() -> None:
    chunk = _chunk("每年帮助困难人员就业2万人。每年扶持创业3万人以上。")
    answer = _answerer(chunk).answer("市里每年打算帮多少人自己出来当老板？", [], _hits(chunk))
    assert answer.text.startswith("每年扶持创业3万人以上")


@pytest.mark.parametrize(
    ("question", "word", "text"),
    [
        # a relation's group works both ways: 逝世 asked, 卒 written; 又名 asked, 别称 written
        ("潘仕成逝世于哪一年？", "逝世", "清同治十二年(1873年)，卒。"),
        ("阿閦佛又名什么？", "又名", "黄蝉别称为硬枝黄蝉"),
        # a reader's 吃一惊 or 意外 is the paper's 惊讶
        ("有的用户会吃一惊，他们是对什么感到意外？", "意外", "有时候用户都惊讶，自己还没反映问题怎么就找上门来了。"),
        # an illness given as the cause: "生病走的" for "因病医治无效"
        ("老主任是出了意外走的，还是生病走的？", "生病", "唐进倬同志因病医治无效，在青岛逝世。"),
        # the way it was: "以前那种装法" for "变原来…的安装方式"
        ("以前那种装法是啥样的？", "以前", "变原来楼栋单打独斗的安装方式为既有住宅连片加装模式。"),
        # "就它一家拿到吗" asks whether it is the only one
        ("这个称号，这回全国就它一家拿到吗？", "一家", "团岛污水处理厂作为此次唯一一座入选的标杆污水处理厂。"),
        # 大伙儿 are the paper's 群众; going out to 游玩 is its 旅游
        ("要带着大伙儿在出门游玩时讲文明？", "大伙儿", "引导群众文明旅游、文明交通。"),
        ("要带着大伙儿在出门游玩时讲文明？", "游玩", "引导群众文明旅游、文明交通。"),
        # 交五险 is paying 社会保险; the 活儿 and 分量 of a task are its 工作 and how 重要 it is;
        # the people who came to the 开会 are the 与会人员
        ("单位里交五险的人每年净多出多少？", "交五险", "每年企业社会保险净增8万人以上。"),
        ("在防灾减灾里算个什么分量的活儿？", "活儿", "综合减灾示范创建是防灾减灾重要基础性工作。"),
        ("在防灾减灾里算个什么分量的活儿？", "分量", "综合减灾示范创建是防灾减灾重要基础性工作。"),
        ("汇报完以后，来开会的其他人干了什么？", "开会", "与会人员进行讨论发言。"),
        # a need the reader names 需要, the paper 需求
        ("是为了满足企业什么样的需要？", "需要", "为更好适应企业需求，引导产业发展布局。"),
        # consumption a policy 拉动 is what it 带动; money 投进去 is 投入; 闹腾 is what 困扰 residents
        ("预计能拉动的消费有多少？", "拉动", "预计将带动商贸、文旅等领域消费破亿元。"),
        ("消费季投进去多少钱？", "投进去", "投入2300万元全面启动消费季。"),
        ("以前烧煤那几年都被啥事闹腾？", "闹腾", "粉尘问题就困扰着小区居民。"),
        # the 甜头 neighbours taste is the 利好 residents feel; a 玩法 of 卖货 is an 电商模式;
        # a 人代会 is the 人民代表大会 the paper names in full
        ("街坊们从哪件事上尝到了甜头？", "甜头", "姜涛和居民们也感受到了供热方式转型带来的利好。"),
        ("街坊们从哪件事上尝到了甜头？", "街坊", "姜涛和居民们也感受到了供热方式转型带来的利好。"),
        ("点名要突出哪几种卖货玩法？", "玩法", "突出跨境、直播等电商模式对消费的拉动。"),
        ("点名要突出哪几种卖货玩法？", "卖货", "突出跨境、直播等电商模式对消费的拉动。"),
        ("过完年有多少家企业复工？", "复工", "2月18日，即墨区近3000家企业开工。"),
        ("区人代会是哪天开幕的？", "人民代表大会", "1月5日上午，市北区第三届人民代表大会第二次会议开幕。"),
    ],
)
def test_a_readers_word_is_matched_in_the_papers_words(question: str, word: str, text: str) -> None:
    assert next(t for t in analyse(question, EMPTY).terms if t.text == word).found_in(text)


def test_everyday_words_for_how_much_and_handing_over_meet_the_papers_words() -> None:
    terms = {t.text: t for t in analyse("老小区差不多都装齐防盗设施了吗？什么时候交到企业手里用起来？", EMPTY).terms}
    text = "全市老旧开放式小区已基本实现智慧安防设施全覆盖，产业园预计明年交付使用。"
    assert all(terms[word].found_in(text) for word in ("差不多", "装齐", "防盗", "交到"))


def test_everyday_words_no_article_uses_meet_the_papers_words() -> None:
    """Words of the train questions that the collection never holds: 地铁 is written
    轨道交通, 这回 is 此次, and 块儿 or 那边 only point at the topic."""
    terms = {t.text: t for t in analyse("财通集团这回发债筹来的钱，地铁那边平均每年投多少？", EMPTY).terms}
    assert terms["这回"].found_in("此次债券所募集的资金") and terms["地铁"].found_in("轨道交通三期建设规划")
    assert terms["平均"].found_in("年均增长0.1%") and "那边" not in terms
    assert "块儿" not in {t.text for t in analyse("让周边的人一块儿停车？", EMPTY).terms}


def test_a_readers_words_for_attracting_and_settling_meet_the_papers_words() -> None:
    terms = {t.text: t for t in analyse("崂山区2023年想拉多少家投钱的机构来安家？", EMPTY).terms}
    text = "推动10家以上创投风投机构落户，引进金融科技项目20个，完成投资50亿元。"
    assert all(terms[word].found_in(text) for word in ("拉", "投钱", "安家"))


def test_hospital_beds_asked_in_english_are_beds() -> None:
    """"How many hospital beds will the second phase of Qilu Hospital have": without 床位 the
    question's words were only the hospital's, and a sentence on its opening (with a
    15分钟 service circle) covered them all."""
    assert "床位" in expand_english("How many hospital beds will it have?").split()
    chunk = _chunk("推动齐鲁医院二期建成运营，打造15分钟中医药优质服务圈。")
    question = "How many hospital beds will the second phase of Qilu Hospital have once it opens?"
    beds_asked = next(t for t in analyse(question, EMPTY).terms if t.text == "床位")
    assert not beds_asked.found_in(chunk.text)  # a word the support threshold counts as missing
    beds = _chunk("齐鲁医院二期建成后将新增床位1000张。")
    assert "1000张" in _answerer(beds).answer(question, [], _hits(beds)).text


def test_everyday_english_words_of_a_report_meet_the_glossary() -> None:
    """Words of training questions the glossary lacked: a compound's underfloor heating,
    a loose marble slab, the land approved but not yet supplied, the low-altitude economy."""
    heating = expand_english("Which compound has underfloor heating, and who fixed the loose marble?").split()
    assert {"小区", "地暖", "松动", "大理石"} <= set(heating)
    assert "批而未供" in expand_english("How much approved-but-unsupplied land will it dispose of?").split()
    assert "低空" in expand_english("What plan will seize the low-altitude economy?").split()
    assert {"博士后", "公益"} <= set(expand_english("How many postdoctoral and public-welfare posts?").split())
    # the fields a technique is widely needed in, a port's new internet-famous landmark
    assert {"领域", "广泛"} <= set(expand_english("In which fields is it widely needed?").split())
    assert {"网红", "地标"} <= set(expand_english("What is the new internet-famous landmark?").split())


def test_english_words_meet_the_glossary_before_a_full_stop_and_across_hyphens() -> None:
    assert "合作伙伴" in expand_english("Who is its strategic partner.")
    assert "煤改气" in expand_english("How much does the coal-to-gas switch cut?")
    # the paper's common verbs, in any inflected form
    assert {"推进", "升级", "加快"} <= set(expand_english("Which projects is it promoting, upgrading and speeding up?").split())
    # A month is a date; "may" is too often a verb to be one.
    assert "6月" in expand_english("What opened in June?") and "5月" not in expand_english("What may open?")
    # the red lettering of a logo is its 字体; a return visit is a 回访
    assert "字体" in expand_english("What does the red lettering of the brand name stand for?")
    assert "回访" in expand_english("He made a return visit to the couple.")
    attract = expand_english("How many young talents a year does it aim to attract?")
    assert all(word in attract for word in ("青年人才", "每年", "引进"))
    # what a group "will highlight next" is its 下一步 and 突出; "next year" stays 明年
    assert {"集中", "体现"} <= set(expand_english("What does the report concentrate and embody?").split())
    plan = expand_english("What development orientation will the group highlight next?").split()
    assert {"下一步", "突出", "导向"} <= set(plan)
    assert "下一步" not in expand_english("What is the target for next year?").split()
    # a phrase before its words' everyday senses: the east bank's urban area is 东岸城区, no bank (银行) and no 面积
    trips = expand_english("How many heavy-truck trips will the east-bank urban area avoid?").split()
    assert {"东岸", "城区", "重型货车"} <= set(trips) and not {"银行", "面积"} & set(trips)
    assert "创业" in expand_english("How many people will it help start their own businesses?").split()
    # output is a volume (产量) as well as a value (产值)
    share = expand_english("What share of the world's household-appliance output does China account for?").split()
    assert {"产量", "产值", "家电", "全球"} <= set(share)
    virtue = set(expand_english("Caring for the elderly is a traditional virtue; what is it a prominent reflection of?").split())
    assert {"美德", "突出", "体现"} <= virtue
    # digits grouped in English are one number, as the paper writes it (13600余名)
    assert "13600" in expand_english("Did the 13,600-plus delegates all meet in person?")
    assert "13600" in {t.text for t in analyse("Did the 13,600-plus delegates all meet in person?", EMPTY).terms}
    # the paper's 年会, 主办, 专家 and 投产
    conference = set(expand_english("Who hosted the annual conference, and what did the experts discuss?").split())
    assert {"年会", "主办", "专家"} <= conference
    assert {"超级工厂", "投产"} <= set(expand_english("Is the super factory already turning out cars?").split())
    # a third-party body is 第三方, not the Party
    third = expand_english("It was rated by a third-party evaluation body.").split()
    assert "第三方" in third and "党" not in third
    assert "三位一体" in expand_english("Which three things does the 'three-in-one' arrangement of the refined approvals bind?")
    studies = set(expand_english("Whose planning studies used 3D real-scene models and traffic simulation?").split())
    assert {"规划研究", "实景三维", "仿真"} <= studies and "学习" not in studies  # a planning study is no studying
    assert "投入使用" in expand_english("When did each plant start operating?").split()
    # single words whose phrases alone were listed (heating steward, bonded zone)
    words = set(expand_english("Which station does the steward of the elderly couple work at, and in which zone?").split())
    assert {"站", "管家", "老两口", "区"} <= words


def test_a_name_jieba_cuts_otherwise_in_the_question_is_found() -> None:
    """jieba segments an unknown name by its context: "锦地罗（学名" is one word in the
    article, "锦地罗的全长" is 锦地/罗 in the question. The question's word is the
    article's."""
    texts = ["锦地罗（学名：），是茅膏菜科茅膏菜属的植物。", "黄蝉为夹竹桃科植物，全长2厘米。"]
    table = TokenTable()
    table.append(tokenize_batch(texts))
    index = LexicalIndex.from_tokens(Catalog(["c0", "c1"], ["s"] * 2, ["a0", "a1"], [""] * 2), table)
    assert index.rejoined("锦地罗的全长是多少厘米？") == ["锦地罗"]
    assert "c0" in [hit.chunk_id for hit in index.search("锦地罗的全长是多少厘米？", 2)]
    terms = {t.text: t for t in analyse("锦地罗的全长是多少厘米？", index).terms}
    assert terms["锦地罗"].seen and "锦地" not in terms


def test_an_english_word_with_several_equivalents_is_one_term() -> None:
    # An article writes 竣工 or 建成, not both: as three terms, "completed" would leave
    # two thirds of its weight unmatched in the sentence that answers.
    asked = analyse("When was the plant completed, and who visited it?", EMPTY)
    completed = [term for term in asked.terms if term.found_in("竣工")]
    assert len(completed) == 1 and completed[0].found_in("建成") and completed[0].found_in("完成")
    assert len([term for term in asked.terms if term.found_in("调研") or term.found_in("走访")]) == 1


def test_pinyin_names_of_an_english_question_are_found_in_the_passages() -> None:
    passage = "省委宣讲团成员孙爱军深入我市企业宣讲，市委常委刘升勤陪同。海尔卡奥斯在崂山区新增产值。"
    found = pinyin_names("Who accompanied Sun Aijun at Haier's site in Laoshan District? Ask COSMOPlat.", [passage])
    assert found == {"sunaijun": ["孙爱军"], "haier": ["海尔"], "laoshan": ["崂山"]}
    assert pinyin_names("Who accompanied Liu Wei?", [passage]) == {}  # spelt nowhere: no term
    # a yes/no question opens with a capitalised "Is": the name is the words after it
    lecturer = "市委党校分管日常工作的副校长、一级巡视员王涛赴市南区宣讲。"
    assert pinyin_names("Is Wang Tao the head of the party school?", [lecturer]) == {"wangtao": ["王涛"]}


def test_a_name_is_found_in_any_reading_of_its_characters() -> None:
    # pypinyin reads the word 劲松 jing song; the name is spelt Jinsong
    passage = "20天完成77家商户搬迁，保障劲松五路打通工程按期推进。"
    assert pinyin_names("When did the Jinsong 5th Road project open?", [passage]) == {"jinsong": ["劲松"]}


def test_a_pinyin_name_no_passage_spells_is_refused_in_every_part() -> None:
    passage = "目前已引入海程邦达半导体芯片项目等总投资额121.9亿元的15个“链主”企业项目，落户青岛空港综合保税区。"
    asked = "How many 'chain leader' projects has the Qianwan bonded zone brought in, and what is their total investment?"
    assert unspelt_names(asked, [passage]) == ["qianwan"]
    # English words that happen to read as pinyin ("Once") and names the passage spells are no such name
    assert unspelt_names("Once the Haier project in the bonded zone opens, how many jobs?", ["海尔项目落户保税区。"]) == []
    # nor is a function word opening a later sentence, which CC-CEDICT glosses with no Chinese word
    assert unspelt_names("Haier opened a plant in the zone. Are its floors designed for 1,000 kg?", ["海尔在保税区建厂。"]) == []
    chunk = _chunk(passage)
    answer = _answerer(chunk).answer(asked, [], _hits(chunk))
    assert answer.refused and "121.9亿元" not in answer.text and "15个" not in answer.text
    # the same question about the zone the passage names is answered
    named = _answerer(chunk).answer("How many 'chain leader' projects has the bonded zone brought in?", [], _hits(chunk))
    assert not named.refused and "15个" in named.text


def test_a_pinyin_name_may_swap_a_syllables_final_n_and_ng() -> None:
    """"Lingkong" for 临空 (lín kōng): English spellers of pinyin confuse the final n and ng
    more than any other sound, so the name is the zone the passage names, not one it
    lacks; a name no reading comes near (Qianwan) is still unspelt."""
    passage = "临空区管委会先后投资19.38亿元，完成综保区道路建设。"
    assert unspelt_names("When did the Lingkong administration hope to pass the acceptance?", [passage]) == []
    assert pinyin_names("When did the Lingkong administration hope to pass the acceptance?", [passage]) == {"lingkong": ["临空"]}
    assert pinyin_names("What did the Linkong zone build?", [passage]) == {"linkong": ["临空"]}
    assert unspelt_names("What did the Qianwan zone build?", [passage]) == ["qianwan"]


def test_the_age_of_something_is_an_era_not_a_persons_years() -> None:
    """"seize in the age of intelligence" asks for no age in 岁; "at what age" and "how old" do."""
    era = analyse("What does Zhou Yunjie say this will let Haier seize in the age of intelligence?", EMPTY)
    assert "岁" not in era.units
    assert "岁" in analyse("At what age did Tang Jinzhuo die?", EMPTY).units
    assert "岁" in analyse("How old is Li Shu'an?", EMPTY).units


def test_an_area_named_in_english_is_a_region_not_a_measure() -> None:
    """"the Zhangcun River area of Laoshan" names a region: the question asks which schools,
    not a size in 平方米; "the area of the industrial park" asks a size."""
    region = analyse("Which schools in the Zhuzhou Road and Zhangcun River area of Laoshan have been completed?", EMPTY)
    assert region.answer_type != "quantity" and "平方米" not in region.units
    assert "平方米" in analyse("What is the area of the Zhongtianrun industrial park?", EMPTY).units


def test_office_names_and_words_of_english_training_questions_are_in_the_glossary() -> None:
    """Words the glossary lacked, from training questions it then answered: a bureau's
    name (发展改革委, 人力资源社会保障) and everyday words (都市圈, 党课, 支部)."""
    expanded = expand_english("Which metropolitan area does Qingdao's development and reform commission want approved?")
    assert "都市圈" in expanded and "发展改革委" in expanded
    expanded = expand_english("the human resources and social security bureau; branches give themed Party lectures")
    assert "人力资源社会保障" in expanded and "党课" in expanded and "支部" in expanded
    # the festival, not the season; the "first lesson" of work safety as firms reopen
    expanded = expand_english("running 'first lesson' safety sessions as firms reopened after the 2024 Spring Festival")
    assert "春节" in expanded and "春季" not in expanded and "第一课" in expanded


def test_a_vague_amount_of_the_thing_counted_is_no_figure_of_it() -> None:
    """"装上高空抛物监控系统的小区一共有多少个": the sentence that says the thing counted gives
    only "很多小区"; another sentence's figure (一千余个老旧开放式小区) counts something else.
    The answer says the articles give no figure and quotes what they do say."""
    vague = _chunk("全市很多小区还安装了高空抛物监控系统，强力支撑起“头顶上的安全网”。")
    figure = _chunk("目前，全市一千余个老旧开放式小区，已基本实现智慧安防设施全覆盖。", start=40)
    question = "全市装上高空抛物监控系统的小区一共有多少个？"
    asked = analyse(question, EMPTY)
    assert vague_amount(asked, vague.text) == "很多小区"
    assert vague_amount(asked, figure.text) == ""
    assert vague_amount(analyse("奇瑞打算吸引多少家上下游配套企业落户青岛？", EMPTY), "吸引更多产业上下游企业落户青岛。") == "更多产业上下游企业"
    answer = _answerer(vague, figure).answer(question, [], _hits(vague, figure))
    assert answer.refused and "一千余个" not in answer.text and "文章没有给出具体数字" in answer.text and "很多小区" in answer.text
    # a figure stated of the thing counted answers
    stated = _chunk("全市已有320个小区安装了高空抛物监控系统。")
    assert "320个" in _answerer(stated, figure).answer(question, [], _hits(stated, figure)).text


def test_a_length_that_names_the_thing_asked_must_be_in_the_answer() -> None:
    """"那7.3公里生态绿道，建设总投资是多少": the length names the greenway, so a sentence
    of other projects' money (6个30亿元项目) without it is about another thing."""
    greenway = _chunk("259栋老旧小区改造和7.3公里生态绿道建设全面开工。")
    money = _chunk("新落地国电投山东海洋能源总部等6个30亿元项目。", start=40)
    answer = _answerer(greenway, money).answer("那7.3公里生态绿道，建设总投资是多少？", [], _hits(greenway, money))
    assert answer.refused and "30亿元" not in answer.text
    funded = _chunk("7.3公里生态绿道总投资2亿元。", start=80)
    assert "2亿元" in _answerer(greenway, money, funded).answer("那7.3公里生态绿道，建设总投资是多少？", [], _hits(greenway, money, funded)).text


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        # a month asked: "2022年成功研制" gives the year only
        ("凤麟核那台中子照相相机，是2022年几月份研制成功的？", "凤麟核已于2022年成功研制国际首台中子照相相机产品。",
         "凤麟核已于2022年5月成功研制国际首台中子照相相机产品。"),
        # the ordinal of a series: a sentence dating the contest gives no 第几届; 第三届 or 首届 does
        ("市应急管理局那场处长擂台赛，是第几届了？", "2022年7月，市应急管理局组织开展处长擂台赛。", "2022年7月，市应急管理局举办第三届处长擂台赛。"),
        ("市应急管理局那场处长擂台赛，是第几届了？", "2022年7月，市应急管理局组织开展处长擂台赛。", "2022年7月，市应急管理局举办首届处长擂台赛。"),
        # an English "who": a sentence naming nobody does not answer, however well it matches
        ("Who accepted the benchmark award on behalf of the water purification plant?",
         "此次张村河水净化厂的成功入选，也是青岛市污水处理厂在智慧化维度上的首次入选。", "张村河水净化厂厂长王建国代表水净化厂领取了标杆奖牌。"),
        # 总指挥 is a title: another headquarters' 副总指挥 is not the one asked
        ("市森林防火指挥部的总指挥是谁？", "时任工程指挥部副总指挥张炳辉接到任务。", "市森林防火指挥部总指挥王强说，演练取得实效。"),
        # every subdistrict's name says 街道, so a street address does not answer
        ("中天润产业园在城阳区哪个街道？", "青岛中天润项目位于城阳区书安路8号。", "青岛中天润项目位于城阳区流亭街道。"),
    ],
    ids=["month", "series-ordinal", "series-first", "english-who", "commander", "subdistrict"],
)
def test_the_form_of_the_answer_asked_must_be_in_the_sentence(question: str, wrong: str, right: str) -> None:
    """A month, a series' ordinal, a person, a title or a named kind asked: a sentence without
    it does not answer, however well the rest of it matches."""
    assert not _verdict(question, wrong).ok
    assert _verdict(question, right).ok


def test_this_round_is_no_phase_one() -> None:
    """"那这一期一共有多少座污水厂上了榜": 这一期 points at the round talked about, it asks no 一期."""
    assert not [c for c in analyse("那这一期一共有多少座污水厂上了榜？", EMPTY).constraints if c.kind == "phase"]
    assert [c.value for c in analyse("张村河水净化厂一期工程什么时候投运的？", EMPTY).constraints if c.kind == "phase"]


def test_an_area_pointed_at_must_be_in_the_answer() -> None:
    """"新开工的那75万平方米，对应的投资额是多少": the area names what is asked about, so the
    money of other projects (6个30亿元项目) in a sentence without it is no answer."""
    area = _chunk("老四方工业区新开工面积75万平方米，建设正酣。")
    money = _chunk("新落地国电投山东海洋能源总部等6个30亿元项目。", start=40)
    answer = _answerer(area, money).answer("老四方工业区新开工的那75万平方米，对应的投资额是多少？", [], _hits(area, money))
    assert answer.refused and "30亿元" not in answer.text


def test_a_date_of_another_event_does_not_say_when_a_road_is_opened() -> None:
    """"同德路定在几月份打通": "1月5日上午…会议开幕" dates a meeting, not the road's 打通."""
    question = "市北区2023年要贯通的同德路，定在几月份打通？"
    asked = analyse(question, EMPTY)
    for text, answers in (("2023年1月5日上午，市北区第三届人民代表大会第二次会议开幕。", False), ("2023年6月，同德路将打通。", True)):
        chunk = _chunk(f"市北区将打通同德路。{text}")
        (candidate,) = [c for c in candidates(asked, _hits(chunk), Articles(None)) if c.text.startswith("2023")]
        assert verify(asked, candidate, "市北区将打通同德路。").ok is answers


def test_a_figure_an_english_question_gives_is_no_answer_to_it() -> None:
    """"Apart from a parent fund of at least 200 million yuan, how much…": the span's 2亿元 is
    the figure the question gives, compared by size across the two languages, as 2亿元 in a
    Chinese question is by its text."""
    asked = analyse("Apart from a government parent fund of at least 200 million yuan, how much will the zone invest?", EMPTY)
    assert type_spans(asked, "设立规模不少于2亿元的政府引导母基金。") == []
    assert type_spans(asked, "全年计划投资5亿元。") == [(6, 9)]
    assert type_spans(analyse("Of the more than 13,600 representatives, how many were students?", EMPTY), "参会代表1.36万余名。") == []


def test_an_import_export_service_asks_no_amount() -> None:
    """"what kind of import-export logistics service…" names a trade: no amount in 元 is asked;
    "How much did exports reach" asks one."""
    service = analyse("What kind of import-export logistics service will the project offer?", EMPTY)
    assert service.answer_type != "quantity" and "元" not in service.units
    assert "元" in analyse("How much did Qingdao's agricultural exports reach?", EMPTY).units


def test_an_english_question_weighs_the_name_it_spells() -> None:
    asked = "Who accompanied Sun Aijun?"
    named = _chunk("11月14日，省委宣讲团成员孙爱军深入我市企业宣讲，市委常委、宣传部部长刘升勤陪同。", article="a.txt#0")
    other = _chunk("11月14日，市北区人大代表王海涛视察我市企业，陪同的有区长李明。", article="b.txt#0")
    answer = _answerer(other, named).answer(asked, [], _hits(other, named))
    assert "刘升勤" in answer.text and "李明" not in answer.text


def test_a_reason_runs_on_into_the_next_sentence_of_its_paragraph() -> None:
    chunk = _chunk("盖卤王遣其子文周往新罗求救，新罗王遣一万人来支援百济，但为时已晚。百济首都慰礼城被高句丽攻陷。\n次年，文周即位。")
    answer = _answerer(chunk).answer("新罗王来支援，为什么为时已晚？", [], _hits(chunk))
    assert "百济首都慰礼城被高句丽攻陷" in answer.text and "文周即位" not in answer.text
    count = _answerer(chunk).answer("新罗王派了多少人来支援百济？", [], _hits(chunk))
    assert "一万人" in count.text and "慰礼城" not in count.text

    # with a second quote from elsewhere, the reason still runs on: its next sentence
    # says what became of it
    chunk = _chunk("2013年计划参选总统，但其参选资格于8月被法院驳回。最终他没参选，并于2014年移交权力于新政府。"
                   "安德里·拉乔利纳是马达加斯加共和国政治人物。")
    answer = _answerer(chunk).answer("2013年安德里·拉乔利纳为什么没有参选总统？", [], _hits(chunk))
    assert "最终他没参选" in answer.text
    # and back into the sentence before, where the cause is often said
    chunk = _chunk("其他车手都使用干胎，只有温克霍克使用中性胎。比赛开始后下大雨，大多数赛车都进维修站换胎而落在后面，"
                   "温克霍克成为领跑者，他一度创造了33秒的领先优势。\n后来比赛暂停。")
    answer = _answerer(chunk).answer("温克霍克为什么曾一度领先？", [], _hits(chunk))
    assert "只有温克霍克使用中性胎" in answer.text and "一度创造了33秒的领先优势" in answer.text


def test_the_person_a_question_names_is_not_its_answer() -> None:
    """"高英是哪位皇帝的皇后": 高英 is in the question; the sentence naming the emperor answers."""
    chunk = _chunk("十月高英被以尼姑身份葬于邙山，谥顺皇后，百官送葬。高英，北魏宣武帝元恪的第二任皇后，来自高句丽。")
    answer = _answerer(chunk).answer("高英是哪位皇帝的皇后？", [], _hits(chunk))
    assert answer.text.startswith("高英，北魏宣武帝")


@pytest.mark.parametrize(
    ("text", "question", "quoted"),
    [
        # "割让出这些领土" answers "割让了哪些土地" only with the sentence that names them
        ("札尼别即位后，汗国在西面疆域出现问题，并最终导致失去了瓦拉奇、多布罗加、摩尔达维亚等属国。"
         "1362年，蓝帐汗国在蓝河战役中被立陶宛击败，割让出这些领土给立陶宛和波兰。札尼别的去世导致内战延续。",
         "蓝帐汗国在蓝河战役中被立陶宛击败后，割让了哪些土地？", ("瓦拉奇", "割让出这些领土")),
        # "后来相关的解释…" goes on from the sentence before it
        ("计算神经科学一词由埃里克·施瓦茨提出。其后出现的类似名词包含神经模型、脑理论及神经网络。"
         "后来相关的解释定义皆收录于麻省理工学院出版之《计算神经科学》一书内。",
         "与“计算神经科学”类似的词语解释收录在哪本著作？", ("其后出现的类似名词", "《计算神经科学》一书内")),
        # a clause of a long sentence opening with 并 goes on from the clause before it
        ("碧海蓝天（Aqua Marine）是座落香港九龙长沙湾西九龙填海区深盛路8号的一个私人住宅物业项目，发展商为恒隆地产及现代建设，"
         "梁黄顾建筑师（香港）事务所有限公司负责建筑设计，物业有5座，合共提供1,616个单位，住宅面积约662至784平方呎，"
         "复式单位约1,593至1,609平方呎，于2003年建成，与升悦居、泓景台和宇晴轩同时兴建，并合称「西九四小龙」。"
         "碧海蓝天是用作政府资助及私人住宅混合式发展计划用途。原本计划港府会在当中随机抽出30%的实用楼面面积单位作资助房屋出售。",
         "碧海蓝天与什么并称为「西九四小龙」？", ("升悦居、泓景台和宇晴轩", "并合称「西九四小龙」")),
    ],
)
def test_a_quote_brings_the_sentence_it_leans_on(text: str, question: str, quoted: tuple[str, ...]) -> None:
    chunk = _chunk(text)
    answer = _answerer(chunk).answer(question, [], _hits(chunk))
    assert all(part in answer.text for part in quoted)


def test_a_sentence_is_quoted_once_in_an_answer() -> None:
    """A quote that leans back ("该区…") takes the sentence before it along; that
    sentence is not quoted again as a quote of its own."""
    chunk = _chunk("巴黎第四区是法国首都巴黎市的20个区之一。该区位于塞纳河的右岸，西部与第一区接邻；北部毗邻第三区。")
    answer = _answerer(chunk).answer("巴黎第四区的地理位置在哪里？", [], _hits(chunk))
    assert answer.text.count("20个区之一") == 1
    assert "北部毗邻第三区" in answer.text  # a location described part by part runs on


# ----- end to end on the seeds ------------------------------------------------------

def test_seed_question_is_answered_with_its_fact(lexical_assistant) -> None:
    data = lexical_assistant.ask("市化工产业安全生产转型升级专项行动领导小组会议由谁主持？").to_json()
    assert not data["refused"] and "耿涛主持" in data["answer"]
    assert data["partial"] is False


def test_an_english_word_the_articles_hold_in_other_cuts_counts_as_seen(lexical_assistant) -> None:
    """"one-stop" reads as 一站式 or 一事全办; the seed articles write 一事全办, which
    jieba cuts 一事/全办 in them. The word is in the collection, not unknown."""
    asked = analyse("How many 'one-stop' themed service scenarios has Shibei District put online?", lexical_assistant.lexical)
    one_stop = next(term for term in asked.terms if term.found_in("一事全办"))
    assert one_stop.seen
    assert any(term.found_in("场景") for term in asked.terms) and any(term.found_in("上线") for term in asked.terms)


def test_a_sentence_answering_two_parts_of_a_question_is_quoted_once(lexical_assistant) -> None:
    question = ("平度市在2022年12月6日的化工产业安全生产转型升级专项行动领导小组会议上做了什么？"
                "平度市又有哪个镇街被评为2022年度全省“平安农机”示范乡？")
    answer = lexical_assistant.ask(question).to_json()["answer"]
    assert answer.count("平度市白沙河街道") == 1


def test_seed_near_miss_is_a_cited_partial_answer(lexical_assistant) -> None:
    data = lexical_assistant.ask("市南区2023年力争引进多少个亿元项目？").to_json()
    assert data["refused"] and data["partial"]
    assert data["answer"].startswith("文章没有针对市南区的说法；文章提到的是") and data["citations"]
    assert any(district in data["answer"] for district in ("市北区", "崂山区"))


@pytest.mark.parametrize(
    ("earlier", "question", "standalone"),
    [
        ("市北区2023年地区生产总值预期增长多少？", "崂山区呢？", "崂山区2023年地区生产总值预期增长多少？"),  # a place for a place
        ("崂山区2023年生产总值增长目标是多少？", "那固定资产投资呢？", "崂山区2023年固定资产投资增长目标是多少？"),  # a measure of its kind
        ("崂山区2022年生产总值增长了多少？", "2023年呢？", "崂山区2023年生产总值增长了多少？"),  # a year for a year
        ("团岛污水处理厂是哪年投入使用的？", "张村河水质净化厂呢？", "张村河水质净化厂是哪年投入使用的？"),  # the subject
        ("团岛污水处理厂是哪年投入使用的？", "它的日处理能力是多少？", "它的日处理能力是多少？"),  # no ellipsis
        ("团岛污水处理厂是哪年投入使用的？", "那要扩建的厂呢？", "那要扩建的厂呢？"),  # a description, not a name
        # an area for an area, not for the district the question is set in
        ("市北区2023年对邮轮港区有什么安排？", "历史城区呢？", "市北区2023年对历史城区有什么安排？"),
        # a new subject and a question about it by a pronoun; an aspect's pronoun is still the district's
        ("金水源换热站管着多少户？", "那浮山供热中心站呢？它管着多大一摊？", "浮山供热中心站管着多大一摊？"),
        ("唐进倬享年多少岁？", "那供热报道里那位独居老太太呢？她多大岁数？", "供热报道里那位独居老太太多大岁数？"),
        ("市北区2023年要办哪些实事？", "那惠企政策呢？它打算怎么落实？", "那惠企政策呢？它打算怎么落实？"),
    ],
)
def test_an_elliptic_follow_up_is_the_earlier_question_with_one_part_replaced(earlier: str, question: str, standalone: str) -> None:
    assert resolve_follow_up(question, [earlier]) == standalone


def test_an_elliptic_part_leans_on_the_part_before_it() -> None:
    laoshan = _chunk("崂山区2023年将力争实现全区生产总值增长6.5%以上。")
    shibei = _chunk("市北区2023年的主要预期目标是地区生产总值增长5.5%左右。", title="另一篇报道", article="b.txt#0")
    answer = _answerer(laoshan, shibei).answer("市北区2023年生产总值增长目标是多少？崂山区呢？", [], _hits(laoshan, shibei))
    assert "5.5%" in answer.text and "6.5%" in answer.text


def test_seed_elliptic_follow_up(lexical_assistant) -> None:
    history = [{"role": "user", "content": "市北区2023年地区生产总值预期增长多少？"}, {"role": "assistant", "content": "5.5%左右"}]
    data = lexical_assistant.ask("那崂山区呢？", history).to_json()
    assert not data["refused"] and "6.5%" in data["answer"]


def test_a_long_list_of_reports_shares_the_room_among_its_headlines() -> None:
    """Six reports with three-line headlines (headline, deck, kicker): each keeps its first
    line and what fits of its share, so the whole list stays a chat answer."""
    reports = [_chunk(f"第{n}篇报道的正文。", title=f"第{n}次专项行动领导小组会议在市行政中心召开 加快化工产业转型升级{n} 推动绿色低碳高质量发展{n}",
                      article=f"{n}.txt#0", byline=name)
               for n, name in enumerate(["薛华飞", "衣涛", "刘萍", "贾臻", "王惠", "吴帅"], 1)]
    answer = _answerer(*reports).answer("12月6日的报道有哪些记者署名？各写的是什么？", [], _hits(reports[0]))
    assert not answer.refused and len(answer.citations) == 6
    assert len(re.sub(r"\[\d+\]", "", answer.text)) <= 300
    assert all(f"第{n}次专项行动领导小组会议在市行政中心召开" in answer.text for n in range(1, 7))


def test_two_reports_described_by_their_content_are_listed_with_bylines_and_dates() -> None:
    """"写A的那篇，和写B的那篇，各是哪位记者写的？分别登在哪天？": each report is found by its
    own description, not by the best sentence for the whole question."""
    water = _chunk("青岛两座污水处理厂获评全国双百跨越标杆污水厂。", title="两座污水处理厂获评标杆", article="a.txt#0",
                   date="2022-11-13", byline="吴帅")
    meeting = _chunk("市政府召开提升地表水考核断面水环境质量专题会议。", title="水环境质量专题会", article="b.txt#0",
                     date="2022-12-06", byline="薛华飞")
    other = _chunk("崂山区投入2300万元启动消费季。", title="消费季", article="c.txt#0", date="2022-12-06", byline="衣涛")
    question = "写两座污水处理厂获评标杆的那篇，和写市政府开水环境质量专题会的那篇，各是哪位记者写的？分别登在哪天？"
    assert described_reports(question) == ("两座污水处理厂获评标杆", "市政府开水环境质量专题会")
    chunks = (water, meeting, other)
    answerer = ExtractiveAnswerer(_lexical(*chunks), AnswerSettings(min_support=0.0),
                                  lambda ids: {i: [c for c in chunks if c.article_id == i] for i in ids}, lambda: list(chunks))
    answer = answerer.answer(question, [], _hits(other))
    assert not answer.refused
    assert {c.chunk.article_id for c in answer.citations} == {"a.txt#0", "b.txt#0"}
    assert "记者 吴帅，2022-11-13" in answer.text and "记者 薛华飞，2022-12-06" in answer.text and "衣涛" not in answer.text
    # "A和B这两条消息，各是谁写的": the same pair, told by what each reports
    pair = "两座污水处理厂获评标杆和市政府开水环境质量专题会这两条消息，各是谁写的？"
    assert described_reports(pair) == ("两座污水处理厂获评标杆", "市政府开水环境质量专题会")
    answer = answerer.answer(pair, [], _hits(other))
    assert {c.chunk.article_id for c in answer.citations} == {"a.txt#0", "b.txt#0"} and "记者 吴帅" in answer.text


def test_a_described_report_is_the_hit_holding_most_of_its_description() -> None:
    """"市城管局划供热服务网格的那篇": a two-line notice naming the same bureau and 供热服务网格
    is BM25's first hit (a short text), but the report itself holds more of the description
    (划分出563个供热服务网格) and is the one listed."""
    grids = _chunk("为打通供热服务“最后一米”，今年组织在集中供热区域划分了563个供热服务网格，每个网格内配备1名服务管家。"
                   "11月28日早晨9点，供热服务管家姜涛轻轻敲响延福花园2号楼一户居民的家门，回访老人家里的室温情况。",
                   title="市城市管理局划分出563个供热服务网格", article="a.txt#0", date="2022-12-06", byline="贾臻")
    notice = _chunk("今冬供热季已经开始，市城市管理局提醒市民关注供热服务网格情况。", title="市城市管理局发布今冬供热服务提示",
                    article="b.txt#0", date="2022-12-07", byline="李明")
    meeting = _chunk("赵豪志主持召开化工产业安全生产转型升级专项行动领导小组会议。", title="化工产业领导小组会议", article="c.txt#0",
                     date="2022-12-06", byline="薛华飞")
    chunks = (grids, notice, meeting)
    lexical = _lexical(*chunks)
    assert lexical.article_of(lexical.search("市城市管理局划供热服务网格", 1)[0].chunk_id) == "b.txt#0"  # the trap
    answerer = ExtractiveAnswerer(lexical, AnswerSettings(min_support=0.0),
                                  lambda ids: {i: [c for c in chunks if c.article_id == i] for i in ids}, lambda: list(chunks))
    answer = answerer.answer("赵豪志开化工产业领导小组会的那篇，和市城管局划供热服务网格的那篇，各是哪位记者写的？", [], _hits(meeting))
    assert {c.chunk.article_id for c in answer.citations} == {"a.txt#0", "c.txt#0"} and "李明" not in answer.text


def test_a_headline_joined_to_its_lead_by_a_dash_is_cut_at_the_dash() -> None:
    """"2023年力争…增长6.5%以上——崂山区：抓好…": one printed line, too long for a list of
    reports, keeps its part before the dash rather than pushing the answer past 300 characters."""
    lead = "2023年力争全区生产总值增长6.5%以上，一般公共预算收入增长8%以上"
    long_one = _chunk("崂山区人代会开幕。", title=f"{lead}——崂山区：抓好“五区同创”走在前开新局", article="a.txt#0")
    others = [_chunk("正文。", title=f"第{n}篇很长很长的报道标题，讲了一件很长很长的事情，还有一个很长很长的副题", article=f"{n}.txt#0")
              for n in range(2, 6)]
    titles = headlines([long_one, *others], [long_one, *others], room=150)
    assert titles[0] == lead


def test_questions_about_the_paper_in_english_are_listed_in_english() -> None:
    """A reporter named in pinyin, a day written in English: the same lists, introduced in
    English around the Chinese headlines."""
    first = _chunk("今冬供热面积3.35亿平方米。", title="供热更暖心", article="a.txt#0", date="2022-12-06", byline="贾臻")
    second = _chunk("化工专项行动成果。", title="化工会议", article="b.txt#0", date="2022-12-06", byline="薛华飞")
    third = _chunk("社区社会组织参与文明实践。", title="社区组织", article="c.txt#0", date="2022-11-13", byline="贾臻、王冰洁")
    answerer = _answerer(first, second, third)
    written = answerer.answer("Which reports did reporter Jia Zhen write?", [], _hits(second))
    assert written.text.splitlines()[0] == "2 reports are signed by 贾臻 (Jia Zhen):"
    assert "《社区组织》" in written.text and "《供热更暖心》" in written.text and "化工会议" not in written.text
    reporters = answerer.answer("Which reporters signed reports on December 6, 2022?", [], _hits(third))
    assert reporters.text.splitlines()[0] == "The reports of 2022-12-06 are signed by 贾臻, 薛华飞:"
    assert "王冰洁" not in reporters.text and len(reporters.citations) == 2
    issue = answerer.answer("What reports did the 6 December 2022 issue carry?", [], _hits(third))
    assert issue.text.splitlines()[0] == "The issue of 2022-12-06 carries 2 reports:" and "社区组织" not in issue.text


def test_reports_under_a_dateline_are_listed_with_their_reporters() -> None:
    """"哪几篇是标着“本报11月13日讯”的消息？分别是谁写的": the dateline is metadata, and an
    issue's reports without one (commentary, features) are not among them."""
    news = _chunk("青岛中天润智能科技产业园封顶。", title="产业园封顶", article="a.txt#0", date="2022-11-13", byline="马婷婷",
                  dateline="本报11月13日讯")
    more = _chunk("学术年会在青岛召开。", title="海洋生态", article="b.txt#0", date="2022-11-13", byline="李勋祥",
                  dateline="本报11月13日讯")
    feature = _chunk("加力振兴实体经济。", title="振兴实体经济", article="c.txt#0", date="2022-11-13", byline="杨光")
    other_day = _chunk("化工专项行动成果。", title="化工会议", article="d.txt#0", date="2022-12-06", byline="薛华飞",
                       dateline="本报12月6日讯")
    answerer = _answerer(news, more, feature, other_day)
    answer = answerer.answer("2022年11月13日这一期里，哪几篇是标着“本报11月13日讯”的消息？分别是哪位记者写的？", [], _hits(feature))
    assert not answer.refused
    assert answer.text.splitlines() == ["标着“本报11月13日讯”的报道有2篇：",
                                        "1. 《产业园封顶》（记者 马婷婷）[1]",
                                        "2. 《海洋生态》（记者 李勋祥）[2]"]
    assert {c.chunk.article_id for c in answer.citations} == {"a.txt#0", "b.txt#0"}


def test_seed_reports_keep_their_dateline(lexical_assistant) -> None:
    data = lexical_assistant.ask("哪几篇报道是以“本报11月14日讯”开头的？分别是谁写的？").to_json()
    assert not data["refused"]
    assert {c["title"].split()[0] for c in data["citations"]} == {"让党的二十大精神在基层落地生根", "青岛首单创新创业公司债券发行",
                                                                  "青岛人选全省首批“平安农机”示范市"}
    assert "薛君妍" in data["answer"] and "傅军" in data["answer"] and "余瑞新" not in data["answer"]


def test_seed_reporter_listing(lexical_assistant) -> None:
    data = lexical_assistant.ask("记者薛华飞写了哪些报道？").to_json()
    assert not data["refused"]
    assert len(data["citations"]) == 2 and all("赵豪志" in c["title"] for c in data["citations"])


def test_an_answer_too_long_once_cut_drops_its_weakest_further_quotes() -> None:
    chunk = _chunk("甲" * 90 + "。" + "乙" * 90 + "。" + "丙" * 90 + "。" + "丁" * 90 + "。")
    first = Finding("answer", [Quote(chunk, 0, 91), Quote(chunk, 91, 182), Quote(chunk, 182, 273)])
    second = Finding("answer", [Quote(chunk, 273, 364)])
    listed = Finding("list", [Quote(chunk, 0, 91), Quote(chunk, 91, 182), Quote(chunk, 182, 273)])
    findings = [first, second, listed]
    assert _dropped_one(findings) and [q.text[0] for q in first.quotes] == ["甲", "乙"]
    assert _dropped_one(findings) and len(first.quotes) == 1
    # each part keeps its best quote, and a list stays whole
    assert not _dropped_one(findings) and len(second.quotes) == 1 and len(listed.quotes) == 3


def test_a_paraphrase_s_everyday_words_do_not_count_against_the_article() -> None:
    """"盯着…扔东西" for 高空抛物: an everyday verb that no article uses cannot be covered by
    any article, so the article's coverage is over the question's other words. A rare
    name no article holds (鸡毛松) still counts: its absence says the topic is absent."""
    texts = ["力争全区理财公司管理规模突破2万亿元。", "吉斯伯恩大区是位于纽西兰北岛东北部的一个地方行政区。"]
    table = TokenTable()
    table.append(tokenize_batch(texts))
    index = LexicalIndex.from_tokens(Catalog(["c0", "c1"], ["s"] * 2, ["a0", "a1"], [""] * 2), table)
    asked = analyse("全区理财公司的规模绝对要突破多少？", index)
    terms = {t.text: t for t in asked.terms}
    assert terms["绝对"].everyday and not terms["绝对"].seen
    assert not terms["理财"].everyday and not terms["突破"].everyday  # words the articles use are the topic's
    article = Article("a0", "崂山区：抓好“五区同创”", "", "", texts[0])
    assert topic(asked, article, 1).features["cover_article"] > 0.9
    # every word everyday and one of them said: the coverage is still a share, not its weight
    spoken = replace(asked, terms=tuple(replace(t, everyday=True) for t in asked.terms))
    assert topic(spoken, article, 1).features["cover_article"] == 1.0
    absent = {t.text: t for t in analyse("纽西兰鸡毛松有什么用途？", index).terms}
    assert not any(t.everyday for word, t in absent.items() if "鸡毛" in word or "松" in word)


def test_a_word_no_article_uses_matches_its_thesaurus_synonyms_the_articles_use() -> None:
    """"新搭几个给某一个行当用的平台" for 垂直行业工业互联网平台: 行当 is in no article, and
    同义词词林 gives 行业, which is; the sentence that says 行业 covers it. A word the
    articles do use (平台) keeps to itself: its synonyms would match other things."""
    texts = ["新打造垂直行业工业互联网平台3个。", "轨道交通三期7条线路“批复即开工”。"]
    table = TokenTable()
    table.append(tokenize_batch(texts))
    index = LexicalIndex.from_tokens(Catalog(["c0", "c1"], ["s"] * 2, ["a0", "a1"], [""] * 2), table)
    terms = {t.text: t for t in analyse("打算新搭几个专门给某一个行当用的工业互联网平台？", index).terms}
    assert terms["行当"].found_in(texts[0]) and not terms["行当"].seen
    assert terms["平台"].alternatives == ()
    assert {t.text: t for t in analyse("那批线路拿到批文马上就动工？", index).terms}["动工"].found_in(texts[1])
    assert not {t.text: t for t in analyse("那批线路拿到批文马上就动工？", EMPTY).terms}["动工"].alternatives  # nothing to match in an empty index


def test_a_colour_asked_is_answered_by_a_sentence_naming_one() -> None:
    """"身体是什么颜色的": the opening sentence about the fish names it and its family, and
    no colour; the one that does is the answer."""
    opening = _chunk("黄鳍紫鱼，又称黄鳍姬鲷，为辐鳍鱼纲鲈形目笛鲷科的其中一个种。本鱼分布于西太平洋区。")
    body = _chunk("黄鳍紫鱼体呈淡蓝红色，背鳍及尾鳍黄色，体长可达50公分。", start=60)
    answer = _answerer(opening, body).answer("黄鳍紫鱼的身体是什么颜色的？", [], _hits(opening, body))
    assert not answer.refused and "淡蓝红色" in answer.text and "辐鳍鱼纲" not in answer.text


def test_a_figure_the_question_gives_is_not_its_answer() -> None:
    """"查了2万余台次农机，其中查出多少台次存在安全隐患": the sentence with 检查农机2万余台次
    repeats what the asker already knows; it holds no answer of the asked form."""
    asked = analyse("那次大检查查了2万余台次农机，其中查出多少台次存在安全隐患？", EMPTY)
    text = "全市联合执法检查40余次，检查农机2万余台次，驾驶人1万余人次。"
    assert type_spans(asked, text) == []
    found = "查出隐患300台次，检查农机2万余台次。"
    assert [found[a:b] for a, b in type_spans(asked, found)] == ["300台"]


def test_a_description_runs_on_through_its_semicolons() -> None:
    """"牡蒿的外貌特征是什么": the description is one sentence of ；-parted clauses ("茎直立；
    叶子互生…；头状花序…。"); the quote that runs on from the opening does not stop at its first ；."""
    text = ("牡蒿为菊科蒿属的植物。多年生草本，茎直立；叶子互生，中部以上的叶子呈线形；头状花序卵形，排列成圆锥花序。"
            "分布在中国大陆的福建、辽宁等地。")
    chunk = _chunk(text, title="牡蒿")
    answer = _answerer(chunk).answer("牡蒿的外貌特征是什么？", [], _hits(chunk))
    assert not answer.refused and "头状花序卵形，排列成圆锥花序" in answer.text and "福建" not in answer.text


def test_a_description_at_its_chunks_end_runs_on_in_the_next_chunk() -> None:
    """"假苹婆的花是什么样的": the answering sentence ends the better-ranked chunk, and only
    the article's next (overlapping) chunk holds what follows it; the quote is taken from
    that chunk so it can run on."""
    opening = "假苹婆是一种常绿小乔木，高约5－20米。"
    flower = "花为圆锥花序腋生，雌雄同株，早落；"
    rest = "花淡红色，无花冠，花萼5裂；两性花，子房圆球形。果为蓇葖果，长卵形。"
    first = _chunk(opening + flower, title="假苹婆")
    second = _chunk(flower + rest, title="假苹婆", start=len(opening))
    answer = _answerer(first, second).answer("假苹婆的花是什么样的？", [], _hits(first, second))
    assert not answer.refused and "花淡红色，无花冠，花萼5裂；两性花，子房圆球形" in answer.text
    assert any(c.chunk.id == second.id for c in answer.citations)


def test_a_refusal_looks_again_in_the_first_articles_other_chunks() -> None:
    """"人社局打算扶起多少家…平息劳资纠纷的机构": the reworded question found the right
    article but not its answering chunk. Before refusing, the answerer judges the first
    passage's whole article; an answer found in the passages is never replaced."""
    lead = _chunk("市人力资源社会保障局局长刘学俊表示，将从四个方面发力。", title="人社事业", article="a.txt#0")
    answering = _chunk("加强劳动人事争议多元化解，打造20家以上金牌调解组织。", title="人社事业", article="a.txt#0",
                       start=len(lead.text) + 1)
    other = _chunk("崂山区投入2300万元启动消费季。", title="消费季", article="b.txt#0")
    question = "人社局打算打造多少家金牌调解组织？"
    answer = _answerer(lead, answering, other).answer(question, [], _hits(lead, other))
    assert not answer.refused and "20家以上金牌调解组织" in answer.text
    assert [c.chunk.id for c in answer.citations] == [answering.id]
    # without the article's other chunk there is nothing to find
    assert _answerer(lead, other).answer(question, [], _hits(lead, other)).refused


def test_a_quote_that_runs_on_closes_its_quotation() -> None:
    """"她是怎么回应的": her words run over two sentences inside 「…」; a quote that runs on
    stops at the closing mark, not at the first 。 inside it."""
    text = ("2006年，媒体错误地报导娜塔莎与亚当约会。她谈到媒体的报导：「亚当是可爱的，但我没有和他约会。"
            "一旦你跟一个著名的家伙聊天，你便会被认为与他有紧密的关系。」2007年她发行了第二张专辑。")
    chunk = _chunk(text, title="娜塔莎")
    answer = _answerer(chunk).answer("针对2006年媒体的错误报道，娜塔莎是怎么回应的？", [], _hits(chunk))
    assert not answer.refused and "你便会被认为与他有紧密的关系。」" in answer.text and "第二张专辑" not in answer.text


def test_a_partner_asked_with_谁_may_be_an_organisation() -> None:
    """"跟谁一块儿应对的": the sentence naming the bureaus the insurer worked with answers
    it; it is no person-for-organisation near miss."""
    text = "守牢安全发展底线，提升突发事件应对处置能力。灾情发生后，承保公司迅速反应，会同各区应急管理局有效应对，立刻启动快速理赔通道。"
    chunk = _chunk(text, title="护航发展")
    answer = _answerer(chunk).answer("承保公司出事以后是跟谁一块儿应对的？", [], _hits(chunk))
    assert not answer.refused and not answer.partial and "会同各区应急管理局" in answer.text


def test_a_district_asked_of_a_sentence_naming_none_is_its_articles() -> None:
    # The report on 市北区's year says the service centre opened without naming the district
    # again in that sentence: the answer is led by the district the article names most.
    lead = _chunk("市北区紧抓实体经济和招商引资。市北区行政审批服务局推出跨域通办。", title="市北：以强作风促落实", article="a.txt#0")
    centre = _chunk("青岛国际航运保险运营服务中心启用，中日RCEP海上快线开通。", title="市北：以强作风促落实", article="a.txt#0", start=40)
    answerer = _answerer(lead, centre)
    answer = answerer.answer("“青岛国际航运保险运营服务中心”启用，是算在哪个区头上的？", [], _hits(centre, lead))
    assert answer.text.startswith("市北区：青岛国际航运保险运营服务中心启用") and answer.citations[0].quote.startswith("青岛国际航运")
    english = answerer.answer("Which district opened the international shipping insurance service centre?", [], _hits(centre, lead))
    assert english.text.startswith("市北区, according to the articles: “青岛国际航运")
    # a sentence that names a district is answer enough; a list is not led by one place
    named = _chunk("崂山区新引进国家数字金融测评中心。", title="市北：以强作风促落实", article="a.txt#0", start=80)
    assert _answerer(lead, named).answer("哪个区要引进国家数字金融测评中心？", [], _hits(named, lead)).text.startswith("崂山区新引进")


def test_a_district_asked_of_an_article_naming_none_is_not_said() -> None:
    """"开在青岛哪个区": neither the sentence nor its article names a district (青岛 in
    the company's name is the city the question gives), so the articles do not say which.
    "哪个区域" asks a region, which a city answers."""
    chunk = _chunk("凤麟核中科超睿（青岛）技术有限公司牵头申报的中子分析仪项目获批。", title="中子分析仪项目获批")
    answer = _answerer(chunk).answer("凤麟核中科超睿（青岛）技术有限公司开在青岛哪个区？", [], _hits(chunk))
    assert answer.refused
    region = _chunk("A-135反弹道导弹系统是俄罗斯部署在莫斯科附近区域的一套反弹道飞弹系统。", title="A-135")
    assert not _answerer(region).answer("A-135反弹道导弹系统部署在哪个区域附近？", [], _hits(region)).refused


def test_a_year_the_question_only_sets_the_scene_with_is_not_the_one_asked() -> None:
    # The opening statement gives 2022, the asking sentence 2023: a 2022 figure is the
    # neighbouring fact, not an answer; both years asked together still take either.
    report = "日前发布的《2022中国数字城市竞争力研究报告》中，青岛名列第七。"
    scene = "Qingdao ranked seventh in the 2022 digital city report. Where did it rank in the 2023 edition?"
    assert _verdict(scene, report).partial
    assert _verdict("青岛在2022年的报告中名列第七。2023年的报告里排第几？", report).partial
    assert _verdict("青岛在2022年和2023年的报告里各排第几？", report).ok


def test_a_role_asked_of_an_item_of_a_statement_is_the_articles_one_holder() -> None:
    # The sentence is an item of 刘学俊's statement and names no 局长; the article names
    # one, so the answer is his, said before the quote. Two 局长 in the article: no answer.
    lead = _chunk("市人力资源社会保障局党组书记、局长刘学俊表示，将从四个方面发力。", article="a.txt#0")
    item = _chunk("壮大技术技能人才队伍，每年新增中高级技工人才2万人。", article="a.txt#0", start=40)
    question = "提出“每年新增中高级技工人才2万人”这个目标的，是哪位局长？"
    answer = _answerer(lead, item).answer(question, [], _hits(item, lead))
    assert answer.text.startswith("局长刘学俊：壮大技术技能人才队伍") and answer.citations[0].quote.startswith("壮大")
    other = _chunk("市工业和信息化局局长卞成表示，将坚持把着力点放在实体经济上。", article="a.txt#0", start=80)
    assert _answerer(lead, item, other).answer(question, [], _hits(item, lead, other)).refused


def test_an_english_range_answer_quotes_the_range_whole() -> None:
    # The range pattern cuts "2层到9层" to "2层到9": an English answer leads with no figure
    # and quotes the sentence that holds both ranges whole.
    chunk = _chunk("园区设置了200-2000平方米的灵动空间，2层到9层层高4.8米。")
    answer = _answerer(chunk).answer("What range of sizes do the flexible spaces come in?", [], _hits(chunk))
    assert answer.text.startswith("According to the articles: “园区设置了200-2000平方米的灵动空间")


def test_who_said_a_sentence_of_a_quotation_is_its_speaker() -> None:
    # The sentence names nobody; it is inside 官祥臻's quotation, whose tag opens it, or
    # inside 王清源's, whose tag follows it. A sentence outside any quotation gets no tag.
    before = _chunk("卡奥斯山东区域总经理官祥臻说：“高质量发展离不开城市数字化转型。下一步，海尔卡奥斯将与城市同成长、共进化。”")
    answer = _answerer(before).answer("说海尔卡奥斯要跟城市同成长、共进化的，是谁？", [], _hits(before))
    assert answer.text.startswith("卡奥斯山东区域总经理官祥臻说：下一步，海尔卡奥斯将与城市同成长")
    after = _chunk("“新型显示产业规模突破500亿元。”西海岸新区工委副书记、区长王清源表示，新区还将发力生物医药产业。")
    answer = _answerer(after).answer("说新型显示产业规模要突破500亿元的是谁？", [], _hits(after))
    assert answer.text.startswith("西海岸新区工委副书记、区长王清源表示：“新型显示产业规模突破500亿元")
    # the tag may stand in the article's next chunk; an English answer leads with the name in
    # it, which jieba tags in two pieces (处处长/李/志强)
    said = _chunk("“下一步，规划局将进一步践行‘严真细实快’的工作作风。”", article="d.txt#0")
    tag = _chunk("市自然资源和规划局市政交通规划处处长李志强说。", article="d.txt#0", start=len(said.text))
    english = _answerer(said, tag).answer("Who said the bureau would keep up a 严真细实快 work style?", [], _hits(said))
    assert english.text.startswith("李志强, according to the articles: ““下一步，规划局")
    plain = _chunk("海尔卡奥斯将与城市同成长、共进化。")
    assert not _answerer(plain).answer("说海尔卡奥斯要跟城市同成长、共进化的，是谁？", [], _hits(plain)).text.startswith("卡奥斯")


def test_a_yes_no_question_on_one_side_of_a_contrast_is_answered_by_the_other() -> None:
    # "Did they all meet in person?": the sentence saying 线上线下 answers no; asked how
    # many met in person, the same sentence is a neighbouring fact.
    text = "13600余名代表通过线上线下相结合的方式参加会议。"
    assert _verdict("Did the 13,600 delegates all meet in person?", text).ok
    assert not _verdict("How many delegates met in person?", text).ok


def test_a_printed_mark_asked_is_not_explained_by_the_line_of_another() -> None:
    """"节目名称前标有★，是什么意思": the legend's lines differ only in their mark, and the
    line about ◎ shares every word with the question but says nothing of ★."""
    asked = analyse("节目名称前标有★，是什么意思？", EMPTY)
    assert any(c.kind == "contrast:printed marks" and c.value == "★" for c in asked.constraints)
    legend = _chunk("节目名称前标有◎者，为再度播出中之节目。节目名称前标有★者，为主要由其他电视台制作的节目。", title="台视节目列表")
    found = candidates(asked, _hits(legend), Articles(None))
    verdicts = {c.text[7]: verify(asked, c).ok for c in found}
    assert verdicts == {"◎": False, "★": True}


def test_moving_back_in_is_the_papers_return_of_residents() -> None:
    """"要让哪个社区的居民搬回去住": the paper writes 回迁 ("推动坡前沟社区回迁"); the
    sentence saying it matches the asker's words, as the district's targets do not."""
    targets = _chunk("崂山区2023年将力争实现全区生产总值增长6.5%以上，居民人均可支配收入与经济增长基本同步。", title="崂山区两会")
    back = _chunk("加快推进张村河南、刘家下庄等8个安置区主体施工，推动坡前沟社区回迁。", title="崂山区两会", start=100)
    asked = analyse("崂山区2023年要让哪个社区的居民搬回去住？", EMPTY)
    assert any("回迁" in term.alternatives for term in asked.terms)
    found = {c.text: c for c in candidates(asked, _hits(targets, back), Articles(None))}
    returned = next(c for text, c in found.items() if text.endswith("推动坡前沟社区回迁。"))
    assert {"搬回", "搬回去"} & returned.matched


def test_what_a_figure_symbolises_is_what_it_hints_at() -> None:
    """"塔身高23.5米象征着什么": the article says the height 暗示 the tropic's latitude;
    "哪些地方种植黄蝉": it says where the plant is 引种栽培."""
    tower = _chunk("塔身为直立火箭形，高23.5米，暗示北回归线的纬度值，塔身连塔基共高30.4米。", title="北回归线标志塔")
    asked = analyse("塔身高23.5米象征着什么？", EMPTY)
    assert "象征" in next(c for c in candidates(asked, _hits(tower), Articles(None)) if "暗示" in c.text).matched
    grown = _chunk("黄蝉原生于巴西。台湾以及中国大陆的广西、福建、广东、北京等地皆有人工引种栽培。", title="黄蝉")
    asked = analyse("哪些地方种植黄蝉？", EMPTY)
    assert "种植" in next(c for c in candidates(asked, _hits(grown), Articles(None)) if "栽培" in c.text).matched


@pytest.mark.parametrize(
    ("question", "given"),
    [
        ("光东岸城区一年就能少排492吨的东西。这492吨说的是哪种污染物？", "492吨"),
        ("人社局那篇里有个“认证率达到97%”的说法，这认证的到底是什么？", "97%"),
        ("市北区的目标里有一个“超过420家”，说的是哪一类企业？", "420家"),
        ("“259”这个数出现了两回，分别说的是什么？", "259"),
        ("人社局说的那个“认证率达到97%”，这里认证的是什么？", "97%"),
        ("这5亿元的债券期限是多少年？", ""),  # the figure sets the scene; a length is asked
        ("崂山区引进亿元以上项目多少个？", ""),
    ],
)
def test_a_figure_the_question_points_at_is_given(question: str, given: str) -> None:
    assert analyse(question, EMPTY).given == given


def test_the_sentences_holding_a_figure_pointed_at_answer_what_it_is_of() -> None:
    """"“259”这个数出现了两回，分别说的是什么": both sentences holding 259 are quoted, not
    the one that shares most of the question's other words."""
    chunk = _chunk("市北区作风建设出现了新气象，分别在多个领域说出了新成效。"
                   "259栋老旧小区改造和7.3公里生态绿道建设全面开工。"
                   "加快推进259个城市更新项目。", title="市北区作风建设")
    answer = _answerer(chunk).answer("市北区作风建设那篇里，“259”这个数出现了两回，分别说的是什么？", [], _hits(chunk))
    assert "259栋老旧小区" in answer.text and "259个城市更新项目" in answer.text
    assert "新气象" not in answer.text


def test_seed_figure_pointed_at(lexical_assistant) -> None:
    """The reader's words (少排, 污染物) are not the article's; the figure is, and the
    gate's doubt about the other words does not refuse it."""
    data = lexical_assistant.ask("供暖改用天然气那篇讲东岸一年少排492吨的东西，这492吨是啥污染物？").to_json()
    assert not data["refused"] and "二氧化硫492吨" in data["answer"]
    data = lexical_assistant.ask("人社局说的那个“认证率达到97%”，这里认证的是什么？").to_json()
    assert not data["refused"] and "养老待遇领取资格认证" in data["answer"]
