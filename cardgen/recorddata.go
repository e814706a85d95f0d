package cardgen

// Lists behind plausible records. Frequencies are rough: enough variety to exercise a
// reader, weighted towards what a Ningbo hall sees.

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤俞应翁竺邬忻")

var compoundSurnames = []string{"欧阳", "司马", "诸葛", "上官", "东方", "慕容"}

var givenChars = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅晓文斌宇浩然子轩梓涵一诺欣怡雨彤俊鑫博思远嘉琪佳颖婷慧晨阳海波宁辉鹏飞亮建林峰凯雪琳倩瑶欢成康宏燕萍丹蕾薇瑞泽昊天逸凡晴睿哲瀚铭宸悦")

// rareGivenChars are level-2/3 characters of 通用规范汉字表 that occur in given names;
// they are the misreads CARDS.md §4 warns about (喆, 珺). Used when RecordOptions.Rare
// is set and no RarePool is given.
var rareGivenChars = []rune("喆珺昇燊堃玥婧晞琇瑄淏炜珏祎旻璟琰翀昱珩钰琦骞曌犇淼鑫垚焱彧祺禕瑜翊")

var ethnicities = []string{"回", "满", "蒙古", "壮", "土家", "苗", "畲", "彝", "朝鲜", "维吾尔", "藏", "侗"}

// district is a county-level division: its GB/T 2260 code, the address prefix, and
// the public-security office that issues ID cards there.
type district struct {
	code, prefix, authority string
	streets                 []string
}

var districts = []district{
	{"330203", "浙江省宁波市海曙区", "宁波市公安局海曙分局", []string{"中山西路", "解放南路", "环城西路", "望春路", "集士港镇万众村", "鼓楼步行街"}},
	{"330205", "浙江省宁波市江北区", "宁波市公安局江北分局", []string{"人民路", "大庆南路", "洪塘中路", "北环东路", "慈城镇民主路", "庄桥街道天水家园"}},
	{"330206", "浙江省宁波市北仑区", "宁波市公安局北仑分局", []string{"新碶街道明州路", "长江路", "太河路", "大碶街道横河村", "松花江路"}},
	{"330211", "浙江省宁波市镇海区", "宁波市公安局镇海分局", []string{"骆驼街道盛兴路", "城河西路", "招宝山街道车站路", "庄市街道中官西路"}},
	{"330212", "浙江省宁波市鄞州区", "宁波市公安局鄞州分局", []string{"中山东路", "天童南路", "钱湖北路", "鄞县大道", "首南街道泰康中路", "姜山镇茅山村", "四明中路", "日丽中路"}},
	{"330213", "浙江省宁波市奉化区", "宁波市公安局奉化分局", []string{"锦屏街道南山路", "岳林街道大成东路", "溪口镇武岭西路"}},
	{"330281", "浙江省余姚市", "余姚市公安局", []string{"阳明街道新建北路", "梨洲街道南雷南路", "泗门镇光明路", "丈亭镇老街"}},
	{"330282", "浙江省慈溪市", "慈溪市公安局", []string{"浒山街道三北大街", "古塘街道青少年宫路", "周巷镇兴业北路", "观海卫镇卫山路"}},
	{"330226", "浙江省宁海县", "宁海县公安局", []string{"跃龙街道兴宁中路", "桃源街道金水路", "西店镇樟树村"}},
	{"330225", "浙江省象山县", "象山县公安局", []string{"丹东街道象山港路", "石浦镇金山路", "爵溪街道海滨路"}},
	{"330106", "浙江省杭州市西湖区", "杭州市公安局西湖分局", []string{"文三路", "天目山路", "留下街道屏峰村"}},
	{"330302", "浙江省温州市鹿城区", "温州市公安局鹿城分局", []string{"人民西路", "车站大道", "五马街道解放街"}},
}

var estates = []string{"银亿花园", "东方丽都", "万科城", "南苑新村", "世纪苑", "金色水岸", "樱花公寓", "江南春城", "华泰小区", "锦绣家园"}

// Licence authorities: driving and vehicle licences are issued by the city's traffic police.
var trafficAuthorities = []string{"浙江省宁波市公安局交通警察支队", "浙江省杭州市公安局交通警察支队", "浙江省温州市公安局交通警察支队"}

var classCodes = []string{"C1", "C1", "C1", "C1", "C2", "C1D", "C1E", "A2", "A2D", "A2E", "B2", "B2E", "A1", "A1A2", "B1", "A3", "C1M", "D"}

// invalidClassCodes break the §3.4 grammar: unknown codes, leftovers, repeats.
var invalidClassCodes = []string{"C7", "A4", "C1C1", "B3", "CA1", "G", "C1X", "A2A2"}

type vehicleModel struct {
	wmi, vds, brand, vtype, use string
}

var vehicleModels = []vehicleModel{
	{"LSV", "AM418", "大众汽车牌SVW71810AJ", "小型轿车", "非营运"},
	{"LFV", "2A21K", "大众牌FV7151FBDWG", "小型轿车", "非营运"},
	{"LSG", "KB54H", "别克牌SGM7151DMAA", "小型轿车", "非营运"},
	{"LVG", "BC4E3", "丰田牌GTM7250GB", "小型轿车", "非营运"},
	{"LGX", "C16DG", "比亚迪牌BYD7152WT6HEVC", "小型轿车", "非营运"},
	{"L6T", "78224", "吉利牌MR7152A01", "小型轿车", "出租客运"},
	{"LVS", "HFEB2", "福特牌CAF7151A5", "小型轿车", "租赁"},
	{"LBV", "7L109", "宝马牌BMW7200LM", "小型轿车", "非营运"},
	{"LGB", "F5AE9", "日产牌DFL6460VAL", "小型普通客车", "非营运"},
	{"LZZ", "1CLD5", "豪沃牌ZZ4257V324HE1", "重型半挂牵引车", "货运"},
	{"LFW", "NXRJ1", "解放牌CA5180XXYP62K1L5E6", "重型厢式货车", "货运"},
	{"LGA", "G2A44", "东风牌DFH5180XXYEX8", "重型厢式货车", "货运"},
	{"LJ1", "6RAD3", "江淮牌HFC5041XXYP73K1C3", "轻型厢式货车", "货运"},
}

// companySuffixes fits a company owner's name to the vehicle's use.
var companySuffixes = map[string][]string{
	"货运":   {"物流有限公司", "运输有限公司", "货运有限公司"},
	"租赁":   {"汽车租赁有限公司"},
	"出租客运": {"出租汽车有限公司", "客运有限公司"},
	"非营运":  {"贸易有限公司", "电子科技有限公司", "建设有限公司"},
}

var companyHeads = []string{"宁波港通", "宁波顺达", "浙江甬运", "宁波海联", "鄞州安达", "北仑恒盛", "宁波大众"}

// vinYearCodes is the ISO 3779 model-year letter for 2010 onwards.
const vinYearCodes = "ABCDEFGHJKLMNPRSTVWXY"
