package web

import (
	"net/http"
	"net/url"
)

// words is the page chrome of the KPI pages in one language. Titles,
// descriptions and caveats come from the KPI files in their own languages;
// status sentences are written in English by the status method.
type words struct {
	Lang, Name                                            string // code, and the language's own name
	Datasets, KPIs, Heading, Intro, AsOf, TargetBy, Since string
	Organizations, Publish                                string
	Target, Sources, Figures, Chart, Caveats, Revisions   string
	Period, Dimension, Value, Version, Latest             string
	CSV, PNG, AllKPIs, Owner, Status, Search, Filter, All string
	Computed, Language, NoMatch, ByDimension, Other       string
	RevisedOn, Baseline, ChartKey                         string
	Statuses                                              map[string]string
}

// languages are the languages of the page chrome, English first (the
// fallback).
var languages = []words{english, burmese, lao, vietnamese}

var english = words{Lang: "en", Name: "English",
	Datasets: "Datasets", Organizations: "Organizations", Publish: "Publish", KPIs: "KPIs", Heading: "Key performance indicators",
	Intro: "Each figure is computed from the published datasets; the versions it came from are named on its page.",
	AsOf:  "As they stood at the end of %s.", TargetBy: "Target: %s by %s", Since: "%s since %s",
	Target: "Target", Sources: "Sources", Figures: "Figures", Chart: "Chart", Caveats: "Caveats", Revisions: "Revisions",
	Period: "Period", Dimension: "Dimension", Value: "Value", Version: "version", Latest: "Latest",
	CSV: "Download the series as CSV", PNG: "Download the chart as PNG", AllKPIs: "All KPIs",
	Owner: "Owner", Status: "Status", Search: "Words", Filter: "Filter", All: "All",
	Computed: "Computed", Language: "Language", NoMatch: "No KPI matches.", ByDimension: "Each dimension against its target", Other: "Other",
	ChartKey: "A diamond is a target; a dashed line is the path from the baseline to it at the required pace.", RevisedOn: "revised on %s: was %s", Baseline: "Baseline",
	Statuses: map[string]string{"achieved": "Achieved", "on_track": "On track", "needs_acceleration": "Needs acceleration",
		"regressing": "Regressing", "no_target": "No target", "insufficient_data": "Insufficient data", "error": "Error"},
}

var burmese = words{Lang: "my", Name: "မြန်မာ",
	Datasets: "ဒေတာအစုံများ", Organizations: "အဖွဲ့အစည်းများ", Publish: "ထုတ်ပြန်ရန်", KPIs: "ညွှန်းကိန်းများ", Heading: "အဓိက စွမ်းဆောင်ရည် ညွှန်းကိန်းများ",
	Intro: "ကိန်းဂဏန်းတိုင်းကို ထုတ်ပြန်ထားသော ဒေတာအစုံများမှ တွက်ချက်ထားပြီး အသုံးပြုခဲ့သော ဗားရှင်းများကို ၎င်း၏ စာမျက်နှာတွင် ဖော်ပြထားသည်။",
	AsOf:  "%s ရက်နေ့ အဆုံးတွင် ရှိခဲ့သည့်အတိုင်း။", TargetBy: "ပစ်မှတ်: %[2]s တွင် %[1]s", Since: "%[2]s မှစ၍ %[1]s",
	Target: "ပစ်မှတ်", Sources: "ရင်းမြစ်များ", Figures: "ကိန်းဂဏန်းများ", Chart: "ပုံပြဇယား", Caveats: "သတိပြုရန်များ", Revisions: "ပြင်ဆင်မှုများ",
	Period: "ကာလ", Dimension: "အမျိုးအစားခွဲ", Value: "တန်ဖိုး", Version: "ဗားရှင်း", Latest: "နောက်ဆုံး",
	CSV: "CSV အဖြစ် ဒေါင်းလုဒ်လုပ်ရန်", PNG: "ပုံပြဇယားကို PNG အဖြစ် ဒေါင်းလုဒ်လုပ်ရန်", AllKPIs: "ညွှန်းကိန်းအားလုံး",
	Owner: "တာဝန်ခံအဖွဲ့အစည်း", Status: "အခြေအနေ", Search: "ရှာဖွေရန်စကားလုံး", Filter: "စစ်ထုတ်ရန်", All: "အားလုံး",
	Computed: "တွက်ချက်ချိန်", Language: "ဘာသာစကား", NoMatch: "ကိုက်ညီသော ညွှန်းကိန်း မရှိပါ။", ByDimension: "အမျိုးအစားခွဲအလိုက် ပစ်မှတ်နှင့် နှိုင်းယှဉ်ချက်", Other: "အခြား",
	ChartKey: "စိန်ပုံသည် ပစ်မှတ်ဖြစ်ပြီး မျဉ်းပြတ်သည် အခြေခံနှစ်မှ ပစ်မှတ်သို့ လိုအပ်သော နှုန်းဖြင့် သွားရမည့် လမ်းကြောင်း ဖြစ်သည်။", RevisedOn: "%s တွင် ပြင်ဆင်ခဲ့သည်- ယခင် %s", Baseline: "အခြေခံနှစ်",
	Statuses: map[string]string{"achieved": "ပြည့်မီပြီ", "on_track": "လမ်းကြောင်းမှန်ပေါ်တွင်", "needs_acceleration": "အရှိန်မြှင့်ရန်လိုသည်",
		"regressing": "နောက်ပြန်ဆုတ်နေသည်", "no_target": "ပစ်မှတ်မရှိ", "insufficient_data": "ဒေတာမလုံလောက်", "error": "အမှား"},
}

var lao = words{Lang: "lo", Name: "ລາວ",
	Datasets: "ຊຸດຂໍ້ມູນ", Organizations: "ອົງການ", Publish: "ເຜີຍແຜ່", KPIs: "ຕົວຊີ້ວັດ", Heading: "ຕົວຊີ້ວັດຜົນງານຫຼັກ",
	Intro: "ທຸກຕົວເລກຄິດໄລ່ຈາກຊຸດຂໍ້ມູນທີ່ເຜີຍແຜ່ແລ້ວ; ສະບັບຂອງຂໍ້ມູນທີ່ໃຊ້ແມ່ນລະບຸໄວ້ໃນໜ້າຂອງມັນ.",
	AsOf:  "ຕາມສະພາບໃນທ້າຍວັນທີ %s.", TargetBy: "ເປົ້າໝາຍ: %s ພາຍໃນ %s", Since: "%s ນັບແຕ່ %s",
	Target: "ເປົ້າໝາຍ", Sources: "ແຫຼ່ງຂໍ້ມູນ", Figures: "ຕົວເລກ", Chart: "ແຜນພາບ", Caveats: "ຂໍ້ສັງເກດ", Revisions: "ການປັບປຸງ",
	Period: "ໄລຍະ", Dimension: "ການຈຳແນກ", Value: "ຄ່າ", Version: "ສະບັບ", Latest: "ລ່າສຸດ",
	CSV: "ດາວໂຫຼດເປັນ CSV", PNG: "ດາວໂຫຼດແຜນພາບເປັນ PNG", AllKPIs: "ຕົວຊີ້ວັດທັງໝົດ",
	Owner: "ອົງການຮັບຜິດຊອບ", Status: "ສະຖານະ", Search: "ຄຳຄົ້ນຫາ", Filter: "ກັ່ນຕອງ", All: "ທັງໝົດ",
	Computed: "ຄິດໄລ່ເມື່ອ", Language: "ພາສາ", NoMatch: "ບໍ່ມີຕົວຊີ້ວັດທີ່ກົງກັນ.", ByDimension: "ແຕ່ລະການຈຳແນກທຽບກັບເປົ້າໝາຍ", Other: "ອື່ນໆ",
	ChartKey: "ຮູບເພັດແມ່ນເປົ້າໝາຍ; ເສັ້ນປະແມ່ນເສັ້ນທາງຈາກປີພື້ນຖານຫາເປົ້າໝາຍຕາມຈັງຫວະທີ່ຕ້ອງການ.", RevisedOn: "ປັບປຸງວັນທີ %s: ເດີມ %s", Baseline: "ປີພື້ນຖານ",
	Statuses: map[string]string{"achieved": "ບັນລຸແລ້ວ", "on_track": "ຕາມແຜນ", "needs_acceleration": "ຕ້ອງເລັ່ງ",
		"regressing": "ຖອຍຫຼັງ", "no_target": "ບໍ່ມີເປົ້າໝາຍ", "insufficient_data": "ຂໍ້ມູນບໍ່ພຽງພໍ", "error": "ຂໍ້ຜິດພາດ"},
}

var vietnamese = words{Lang: "vi", Name: "Tiếng Việt",
	Datasets: "Bộ dữ liệu", Organizations: "Cơ quan", Publish: "Công bố", KPIs: "Chỉ số", Heading: "Các chỉ số hiệu quả chính",
	Intro: "Mỗi số liệu được tính từ các bộ dữ liệu đã công bố; trang của chỉ số nêu rõ các phiên bản dữ liệu đã dùng.",
	AsOf:  "Như vào cuối ngày %s.", TargetBy: "Mục tiêu: %s đến %s", Since: "%s so với %s",
	Target: "Mục tiêu", Sources: "Nguồn", Figures: "Số liệu", Chart: "Biểu đồ", Caveats: "Lưu ý", Revisions: "Điều chỉnh",
	Period: "Kỳ", Dimension: "Phân tổ", Value: "Giá trị", Version: "phiên bản", Latest: "Mới nhất",
	CSV: "Tải chuỗi số liệu (CSV)", PNG: "Tải biểu đồ (PNG)", AllKPIs: "Tất cả chỉ số",
	Owner: "Cơ quan chịu trách nhiệm", Status: "Tình trạng", Search: "Từ khóa", Filter: "Lọc", All: "Tất cả",
	Computed: "Tính lúc", Language: "Ngôn ngữ", NoMatch: "Không có chỉ số nào phù hợp.", ByDimension: "Từng phân tổ so với mục tiêu", Other: "Khác",
	ChartKey: "Hình thoi là mục tiêu; đường nét đứt là lộ trình từ năm gốc đến mục tiêu với tốc độ cần thiết.", RevisedOn: "điều chỉnh ngày %s: trước là %s", Baseline: "Năm gốc",
	Statuses: map[string]string{"achieved": "Đã đạt", "on_track": "Đúng tiến độ", "needs_acceleration": "Cần tăng tốc",
		"regressing": "Đang thụt lùi", "no_target": "Chưa có mục tiêu", "insufficient_data": "Chưa đủ dữ liệu", "error": "Lỗi"},
}

// wordsFor returns the chrome in lang, or in English.
func wordsFor(lang string) words {
	for _, w := range languages {
		if w.Lang == lang {
			return w
		}
	}
	return english
}

// statusMarks repeat each status in a sign, so that colour is never the
// only carrier.
var statusMarks = map[string]string{"achieved": "✔", "on_track": "↗", "needs_acceleration": "⚠",
	"regressing": "↘", "no_target": "–", "insufficient_data": "…", "error": "✖"}

// Chrome is what the KPI pages' layout needs: the words, and the links of
// the language switch (this page in each language).
type Chrome struct {
	Title string
	W     words
	Langs []langLink
}

type langLink struct {
	Lang, Name, Href string
	Current          bool
}

func chromeFor(r *http.Request, title string) Chrome {
	w := wordsFor(lang(r))
	c := Chrome{Title: title, W: w}
	for _, l := range languages {
		q := url.Values{}
		for k, v := range r.URL.Query() {
			q[k] = v
		}
		q.Set("lang", l.Lang)
		c.Langs = append(c.Langs, langLink{l.Lang, l.Name, r.URL.Path + "?" + q.Encode(), l.Lang == w.Lang})
	}
	return c
}
