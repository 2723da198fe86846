"""Chinese labels and hints for every field of the record models, as the editors' forms show them.

Kept apart from `models.py` (which says what is valid) so that the wording can change without
touching the rules. Keys are `(model class name, field name)`; a test fails when a model field
has no entry here, or an entry names no model field.
"""

from __future__ import annotations

# (label, hint) by model and field.
FIELDS: dict[tuple[str, str], tuple[str, str]] = {
    ("Product", "name"): ("产品名称", "例如：保靖黄金脐橙。一行文字，不超过 200 字。"),
    ("Product", "summary"): ("一句话简介", "显示在产品卡片上和分享页面时，不超过 200 字，不换行。"),
    ("Product", "origin"): ("产地", "省、县必填；乡镇、村可以不填。"),
    ("Product", "producer"): ("生产者", "种植或加工的合作社、企业或农户，例如：保靖县柑橘专业合作社。"),
    ("Product", "category"): ("品类", "从列表中选择；需要新的品类请联系网站管理员。"),
    ("Product", "price"): ("参考价格", "可不填。填写时金额和单位都要填，例如 39.90 元 / 5 kg 箱。"),
    ("Product", "season"): ("上市季节", "可不填，例如：11月–次年2月。"),
    ("Product", "images"): ("图片", "可不填。上传 JPG、PNG 或 WebP 图片，保存在 content/images/。"),
    ("Product", "gtin"): ("商品条码", "可不填。包装上的 8、12、13 或 14 位条码数字，最后一位是校验位。"),
    ("Product", "verified"): ("实地核实", "可不填。谁在什么时候到现场核实了什么。"),
    ("Product", "campaigns"): ("参与的助农活动", "可不填。从已有的活动中选择。"),
    ("Product", "purchase"): ("购买渠道", "至少一个。每个渠道一条链接，链接必须在该渠道自己的网站上。"),
    ("Origin", "province"): ("省份", "例如：湖南省"),
    ("Origin", "county"): ("县（区、市）", "例如：保靖县"),
    ("Origin", "town"): ("乡镇", "可不填，例如：迁陵镇"),
    ("Origin", "village"): ("村", "可不填"),
    ("Price", "amount"): ("金额", "大于 0 的数字，最多两位小数，例如 39.90"),
    ("Price", "currency"): ("币种", "一般是人民币 CNY"),
    ("Price", "unit"): ("单位", "例如：5 kg 箱、500 克袋"),
    ("Verified", "by"): ("核实人或单位", "例如：内容平台扶贫小组"),
    ("Verified", "on"): ("核实日期", "年-月-日"),
    ("Verified", "note"): ("核实说明", "可不填，不超过 500 字，例如：实地走访果园与合作社"),
    ("Purchase", "channel"): ("渠道", "网站设置（mkdocs.yml）里登记的购买渠道"),
    ("Purchase", "url"): ("商品链接", "从店铺商品页复制，以 https:// 开头，必须在所选渠道的网站上"),
    ("Purchase", "share_code"): ("口令（可不填）", "在店铺 App 里点“分享”复制的口令，只留口令本身，例如 ￥AbCdEfGh123￥；不能是链接"),
    ("Campaign", "name"): ("活动名称", "例如：保靖脐橙电商助农行动"),
    ("Campaign", "summary"): ("一句话简介", "不超过 200 字，不换行。"),
    ("Campaign", "organizer"): ("主办单位", "例如：保靖县商务局"),
    ("Campaign", "partners"): ("合作单位", "可不填，每个单位一项。"),
    ("Campaign", "start"): ("开始日期", "年-月-日"),
    ("Campaign", "end"): ("结束日期", "可不填；不能早于开始日期。"),
    ("Campaign", "products"): ("活动产品", "可不填。产品也可以在自己的页面里选择参加的活动。"),
    ("Campaign", "goals"): ("活动目标", "可不填。进度由公开账本自动计算，不用手填。"),
    ("Goals", "sales_quantity"): ("销售数量目标", "可不填，例如 50000 kg"),
    ("Goals", "sales_amount"): ("销售额目标", "可不填，例如 280000.00 元"),
    ("Goals", "donations"): ("捐赠目标", "可不填，例如 100000.00 元"),
    ("QuantityGoal", "amount"): ("数量", "大于 0 的数字，例如 50000"),
    ("QuantityGoal", "unit"): ("单位", "例如：kg"),
    ("MoneyGoal", "amount"): ("金额", "大于 0 的数字，最多两位小数，例如 280000.00"),
    ("MoneyGoal", "currency"): ("币种", "一般是人民币 CNY"),
}


# What a pattern means, in the words the form shows under a field that does not match it.
PATTERN_MESSAGES: dict[str, str] = {
    "line": "一行文字，不超过 {max} 字，不能有 < 或 >",
    "slug": "小写字母、数字和单个短横线，例如 baojing-oranges-2019",
    "gtin": "8、12、13 或 14 位数字",
    "currency": "三个大写字母，例如 CNY",
    "amount": "大于 0 的数字，最多两位小数，例如 39.90",
    "quantity": "大于 0 的数字，例如 50000",
    "url": "以 https:// 开头，在这些网站之一：{domains}",
    "text": "不超过 {max} 字",
}

# The two forms (Decap "collections"): folder, label, singular label, description.
COLLECTIONS: dict[str, tuple[str, str, str]] = {
    "products": ("产品", "产品", "每个产品一个文件 products/<编号>.yml。编号用小写字母、数字和短横线。"),
    "stories": ("产品故事", "产品故事", "每个产品一篇故事 content/stories/<产品编号>.md，显示在产品页上。"),
    "campaigns": ("助农活动", "助农活动", "每个活动一个文件 campaigns/<编号>.yml。活动的账本不在这里编辑。"),
}
