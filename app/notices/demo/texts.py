"""Demo notice texts, written the way a Vietnamese commune writes its notices.

Each category has several title, summary and body templates; a notice combines one of
each with its own village, project, figures and dates, so that 100,000 demo notices do
not read alike.
"""

from datetime import timedelta
from functools import lru_cache

from app.notices.demo.places import FIELD_NAMES, LOCAL_PROJECTS, PROVINCE_PROJECTS, WORKS, person
from app.phones import format_local

LAND_TYPES = (
    "đất trồng lúa",
    "đất trồng cây hàng năm khác",
    "đất ở và đất vườn liền kề",
    "đất nuôi trồng thủy sản",
    "đất trồng cây lâu năm",
    "đất rừng sản xuất",
)
PERIODS = ("quý I", "quý II", "quý III", "6 tháng đầu năm", "9 tháng đầu năm")
OCCASIONS = ("Tết Nguyên đán", "ngày Thương binh – Liệt sĩ 27/7", "Quốc khánh 2/9", "Tết Trung thu")
SEASONS = ("vụ Xuân", "vụ Thu")

BASES = {
    "land": (
        "Luật Đất đai số 31/2024/QH15",
        "Nghị định số 102/2024/NĐ-CP quy định chi tiết thi hành một số điều của Luật Đất đai",
        "Nghị định số 88/2024/NĐ-CP quy định về bồi thường, hỗ trợ, tái định cư khi Nhà nước thu hồi đất",
    ),
    "budget": (
        "Luật Ngân sách nhà nước số 83/2015/QH13",
        "Thông tư số 343/2016/TT-BTC hướng dẫn thực hiện công khai ngân sách nhà nước đối với các cấp ngân sách",
    ),
    "investment": ("Luật Đầu tư công số 58/2024/QH15", "Luật Đấu thầu số 22/2023/QH15"),
    "zoning": ("Luật Quy hoạch đô thị và nông thôn số 47/2024/QH15", "Luật Đất đai số 31/2024/QH15"),
    "democracy": ("Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15",),
    "social": (
        "Nghị định số 07/2021/NĐ-CP quy định chuẩn nghèo đa chiều giai đoạn 2021–2025",
        "Nghị định số 20/2021/NĐ-CP quy định chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội",
    ),
    "inspection": ("Luật Thanh tra số 11/2022/QH15",),
    "convention": ("Nghị định số 61/2023/NĐ-CP về xây dựng và thực hiện hương ước, quy ước của cộng đồng dân cư",),
    "personnel": ("Luật Cán bộ, công chức năm 2025",),
}

# Per category: documents (kind, symbol), base groups, titles, summary openers, summary details, body items.
CATEGORIES = {
    "land_recovery": {
        "documents": (("Thông báo", "TB-UBND"), ("Quyết định", "QĐ-UBND")),
        "bases": ("land", "democracy"),
        "titles": (
            "Thông báo thu hồi đất để thực hiện dự án {project} qua {village}",
            "Thông báo thu hồi đất của {households} hộ gia đình, cá nhân tại {village} để thực hiện dự án {project}",
            "Quyết định thu hồi đất đối với các hộ gia đình tại {village} (dự án {project})",
            "Kế hoạch thu hồi đất, điều tra, khảo sát, đo đạc, kiểm đếm dự án {project}",
            "Thông báo về việc thu hồi đất nông nghiệp tại xứ đồng {field_name}, {village}",
        ),
        "openers": (
            "{committee} thông báo thu hồi {area} {land_type} của {households} hộ gia đình, cá nhân tại {village} "
            "để thực hiện dự án {project}.",
            "Nhà nước thu hồi {area} đất tại xứ đồng {field_name}, {village} để thực hiện dự án {project}; "
            "{households} hộ gia đình, cá nhân có đất bị ảnh hưởng.",
        ),
        "details": (
            "Dự kiến thời gian thu hồi đất từ tháng {month}/{month_year}.",
            "Việc điều tra, khảo sát, đo đạc, kiểm đếm được thực hiện từ ngày {start}.",
            "Danh sách chi tiết các thửa đất, diện tích thu hồi được niêm yết kèm theo.",
        ),
        "items": (
            "Vị trí, diện tích khu đất thu hồi: {area} {land_type} tại xứ đồng {field_name}, {village}.",
            "Lý do thu hồi đất: thực hiện dự án {project} theo kế hoạch sử dụng đất năm {year} đã được phê duyệt.",
            "Người sử dụng đất có trách nhiệm phối hợp với tổ công tác trong việc điều tra, khảo sát, đo đạc, "
            "kiểm đếm.",
            "Kế hoạch di chuyển, bố trí tái định cư sẽ được thông báo sau khi phương án bồi thường được phê duyệt.",
        ),
    },
    "site_clearance": {
        "documents": (("Thông báo", "TB-UBND"), ("Kế hoạch", "KH-UBND")),
        "bases": ("land",),
        "titles": (
            "Kế hoạch giải phóng mặt bằng dự án {project}",
            "Thông báo lịch bàn giao mặt bằng dự án {project} tại {village}",
            "Thông báo kiểm đếm đất đai, tài sản trên đất phục vụ giải phóng mặt bằng dự án {project}",
            "Thông báo di chuyển mồ mả ra khỏi khu vực thực hiện dự án {project}",
            "Thông báo tiến độ giải phóng mặt bằng dự án {project} (đợt {round})",
        ),
        "openers": (
            "{committee} thông báo kế hoạch giải phóng mặt bằng dự án {project} đối với {households} hộ tại {village}.",
            "Để bàn giao mặt bằng cho nhà thầu thi công dự án {project}, {committee} thông báo lịch làm việc "
            "với các hộ có đất, tài sản tại {village}.",
        ),
        "details": (
            "Các hộ hoàn thành việc di chuyển tài sản, bàn giao mặt bằng trước ngày {end}.",
            "Tổ công tác giải phóng mặt bằng làm việc tại nhà văn hóa {village} vào các ngày làm việc trong tuần.",
            "Các hộ có mồ mả trong khu vực dự án kê khai với {village_head} trước ngày {end}.",
        ),
        "items": (
            "Phạm vi giải phóng mặt bằng: {area} tại {village} và {other_village}.",
            "Thời gian kiểm đếm: từ ngày {start}, theo lịch của tổ công tác.",
            "Các hộ được hỗ trợ di chuyển, ổn định đời sống theo quy định của UBND tỉnh Bắc Ninh.",
            "Trường hợp không phối hợp kiểm đếm, UBND {kind} sẽ vận động, thuyết phục theo quy định.",
        ),
    },
    "compensation_resettlement": {
        "documents": (("Quyết định", "QĐ-UBND"), ("Thông báo", "TB-UBND")),
        "bases": ("land",),
        "titles": (
            "Phương án bồi thường, hỗ trợ, tái định cư dự án {project} (đợt {round})",
            "Dự thảo phương án bồi thường, hỗ trợ, tái định cư khi Nhà nước thu hồi đất thực hiện dự án {project}",
            "Công khai giá đất cụ thể tính bồi thường dự án {project} tại {village}",
            "Danh sách các hộ được bố trí tái định cư tại khu tái định cư {village}",
            "Thông báo chi trả tiền bồi thường, hỗ trợ dự án {project} đợt {round}",
        ),
        "openers": (
            "Phương án bồi thường, hỗ trợ, tái định cư dự án {project} gồm {households} hộ với tổng kinh phí {amount}.",
            "{committee} niêm yết công khai dự thảo phương án bồi thường, hỗ trợ cho {households} hộ có đất "
            "thu hồi tại {village}.",
            "Đợt {round} chi trả tiền bồi thường, hỗ trợ dự án {project} cho {households} hộ, tổng số tiền {amount}.",
        ),
        "details": (
            "Giá đất nông nghiệp tính bồi thường {price} đồng/m².",
            "Các hộ đủ điều kiện được bố trí tái định cư bằng đất ở tại khu tái định cư {village}.",
            "Địa điểm chi trả: hội trường {committee}; người nhận mang theo căn cước và giấy tờ về đất.",
        ),
        "items": (
            "Tổng diện tích thu hồi: {area}; số hộ bị ảnh hưởng: {households}.",
            "Tổng kinh phí bồi thường, hỗ trợ: {amount}.",
            "Giá đất tính bồi thường: {price} đồng/m² đối với {land_type}.",
            "Hỗ trợ ổn định đời sống và sản xuất, hỗ trợ đào tạo, chuyển đổi nghề theo quy định của UBND tỉnh.",
        ),
        "table": "compensation",
    },
    "investment_project": {
        "documents": (("Quyết định", "QĐ-UBND"), ("Nghị quyết", "NQ-HĐND")),
        "bases": ("investment",),
        "titles": (
            "Công khai chủ trương đầu tư dự án {work}",
            "Kế hoạch lựa chọn nhà thầu công trình {work}",
            "Công khai kết quả lựa chọn nhà thầu thi công công trình {work}",
            "Công khai danh mục dự án đầu tư công trung hạn giai đoạn 2026–2030 của {commune_label}",
            "Thông báo khởi công xây dựng công trình {work}",
            "Công khai quyết toán dự án hoàn thành {work}",
        ),
        "openers": (
            "Công trình {work} có tổng mức đầu tư {amount}, từ nguồn ngân sách {commune_label} và vốn hỗ trợ của tỉnh.",
            "{committee} công khai thông tin dự án {work}: quy mô, tổng mức đầu tư {amount}, thời gian thực hiện "
            "năm {year}–{next_year}.",
        ),
        "details": (
            "Đơn vị thi công: Công ty TNHH Xây dựng {commune} số {round}.",
            "Thời gian thi công dự kiến {months} tháng kể từ ngày khởi công.",
            "Nhân dân giám sát thi công thông qua Ban giám sát đầu tư của cộng đồng.",
        ),
        "items": (
            "Tên công trình: {work}.",
            "Tổng mức đầu tư: {amount}.",
            "Thời gian thực hiện: năm {year}–{next_year}; thời gian thi công {months} tháng.",
            "Ban giám sát đầu tư của cộng đồng {village} theo dõi, giám sát chất lượng thi công.",
        ),
    },
    "budget": {
        "documents": (("Quyết định", "QĐ-UBND"), ("Nghị quyết", "NQ-HĐND"), ("Báo cáo", "BC-UBND")),
        "bases": ("budget",),
        "titles": (
            "Công khai dự toán ngân sách {commune_label} năm {budget_year}",
            "Công khai quyết toán ngân sách {commune_label} năm {previous_year}",
            "Công khai tình hình thực hiện dự toán ngân sách {period} năm {year}",
            "Công khai thu, chi các quỹ tài chính ngoài ngân sách năm {year}",
            "Công khai dự toán điều chỉnh ngân sách {commune_label} năm {year}",
        ),
        "openers": (
            "Tổng thu ngân sách {commune_label} {big_amount}; tổng chi {big_amount_2}.",
            "{committee} công khai số liệu thu, chi ngân sách theo Thông tư số 343/2016/TT-BTC: "
            "tổng thu {big_amount}, tổng chi {big_amount_2}.",
        ),
        "details": (
            "Chi đầu tư phát triển chiếm {percent}% tổng chi.",
            "Thu bổ sung từ ngân sách cấp tỉnh chiếm phần lớn tổng thu.",
            "Biểu mẫu chi tiết được niêm yết tại trụ sở và đăng trên trang thông tin điện tử của {kind}.",
        ),
        "items": (
            "Tổng thu ngân sách: {big_amount}.",
            "Tổng chi ngân sách: {big_amount_2}, trong đó chi đầu tư phát triển {percent}%.",
            "Dự phòng ngân sách bố trí theo quy định của Luật Ngân sách nhà nước.",
        ),
        "table": "budget",
    },
    "zoning": {
        "documents": (("Quyết định", "QĐ-UBND"), ("Thông báo", "TB-UBND")),
        "bases": ("zoning",),
        "titles": (
            "Công bố công khai quy hoạch chung {commune_label} đến năm 2035",
            "Lấy ý kiến về đồ án quy hoạch chi tiết xây dựng tỷ lệ 1/500 Khu dân cư mới {village}",
            "Công khai kế hoạch sử dụng đất năm {budget_year} của {commune_label}",
            "Lấy ý kiến nhân dân về điều chỉnh quy hoạch sử dụng đất {commune_label}",
            "Công bố quy hoạch phân khu tỷ lệ 1/2000 khu vực {village} – {other_village}",
        ),
        "openers": (
            "{committee} công bố đồ án quy hoạch với tổng diện tích {area_ha} ha tại {village} và {other_village}.",
            "Kế hoạch sử dụng đất gồm {projects} công trình, dự án cần thu hồi đất trên địa bàn {commune_label}.",
        ),
        "details": (
            "Hồ sơ, bản vẽ được trưng bày tại trụ sở {committee} và nhà văn hóa {village}.",
            "Nhân dân góp ý bằng phiếu góp ý hoặc trực tiếp tại hội nghị lấy ý kiến.",
        ),
        "items": (
            "Phạm vi, ranh giới: khu vực {village} và {other_village}, tổng diện tích {area_ha} ha.",
            "Tính chất: khu dân cư, hạ tầng xã hội và cây xanh phục vụ nhân dân trong {kind}.",
            "Số công trình, dự án trong kế hoạch: {projects}.",
        ),
    },
    "socio_economic_plan": {
        "documents": (("Kế hoạch", "KH-UBND"), ("Nghị quyết", "NQ-HĐND"), ("Báo cáo", "BC-UBND")),
        "bases": ("democracy",),
        "titles": (
            "Kế hoạch phát triển kinh tế – xã hội {commune_label} năm {budget_year}",
            "Báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế – xã hội {period} năm {year}",
            "Dự thảo kế hoạch phát triển kinh tế – xã hội 5 năm 2026–2030 của {commune_label}",
            "Kế hoạch xây dựng nông thôn mới nâng cao {commune_label} năm {budget_year}",
            "Chương trình công tác năm {budget_year} của {committee}",
        ),
        "openers": (
            "Mục tiêu tốc độ tăng giá trị sản xuất {growth}%, thu nhập bình quân đầu người {income} triệu đồng/năm.",
            "{committee} công khai kế hoạch với {projects} chỉ tiêu chủ yếu về kinh tế, văn hóa – xã hội, "
            "môi trường và quốc phòng – an ninh.",
        ),
        "details": (
            "Tỷ lệ hộ nghèo phấn đấu giảm còn {poverty}%.",
            "Nhân dân góp ý qua {village_head} hoặc trực tiếp tại trụ sở {committee}.",
        ),
        "items": (
            "Tốc độ tăng giá trị sản xuất: {growth}%.",
            "Thu nhập bình quân đầu người: {income} triệu đồng/năm.",
            "Tỷ lệ hộ nghèo: dưới {poverty}%; tỷ lệ tham gia bảo hiểm y tế trên 95%.",
        ),
    },
    "public_land": {
        "documents": (("Quyết định", "QĐ-UBND"), ("Thông báo", "TB-UBND")),
        "bases": ("land",),
        "titles": (
            "Công khai danh sách các hộ thuê đất công ích tại {village}",
            "Phương án cho thuê đất nông nghiệp công ích năm {year}",
            "Kết quả đấu giá quyền thuê đất công ích xứ đồng {field_name}, {village}",
            "Thông báo đấu giá cho thuê đất nông nghiệp công ích ({area})",
            "Công khai quỹ đất công ích 5% của {commune_label} năm {year}",
        ),
        "openers": (
            "Quỹ đất công ích của {commune_label} có {area}, trong đó {area_2} đang cho thuê.",
            "{committee} cho thuê {area} đất công ích tại xứ đồng {field_name}, thời hạn 5 năm, "
            "bằng hình thức đấu giá.",
        ),
        "details": (
            "Giá khởi điểm {price} đồng/m²/năm.",
            "Tiền thuê đất nộp vào ngân sách {kind}, dùng cho các công trình công cộng.",
        ),
        "items": (
            "Vị trí: xứ đồng {field_name}, {village}.",
            "Diện tích cho thuê: {area}; thời hạn thuê 5 năm.",
            "Giá khởi điểm: {price} đồng/m²/năm.",
        ),
        "table": "public_land",
    },
    "social_support": {
        "documents": (("Quyết định", "QĐ-UBND"), ("Thông báo", "TB-UBND")),
        "bases": ("social",),
        "titles": (
            "Danh sách hộ nghèo, hộ cận nghèo năm {budget_year} {village}",
            "Công khai kết quả rà soát hộ nghèo, hộ cận nghèo năm {budget_year} của {commune_label}",
            "Danh sách đối tượng hưởng trợ cấp xã hội hằng tháng từ tháng {month}/{month_year}",
            "Danh sách hộ được hỗ trợ xóa nhà tạm, nhà dột nát năm {year}",
            "Danh sách người có công được tặng quà nhân dịp {occasion} năm {year}",
        ),
        "openers": (
            "Kết quả rà soát tại {village}: {poor} hộ nghèo, {near_poor} hộ cận nghèo.",
            "{committee} niêm yết danh sách {households} đối tượng được hỗ trợ để nhân dân theo dõi, giám sát.",
        ),
        "details": (
            "Người dân có ý kiến về danh sách gửi {village_head} hoặc {committee} trong thời gian niêm yết.",
            "Mức hỗ trợ thực hiện theo quy định hiện hành của Chính phủ và UBND tỉnh.",
        ),
        "items": (
            "Số hộ nghèo: {poor}; số hộ cận nghèo: {near_poor}.",
            "Danh sách chi tiết theo biểu kèm theo.",
            "Trường hợp phát hiện sai sót, đề nghị phản ánh để UBND {kind} rà soát lại.",
        ),
        "table": "households",
    },
    "contributions": {
        "documents": (("Nghị quyết", "NQ-HĐND"), ("Thông báo", "TB-UBND"), ("Kế hoạch", "KH-UBND")),
        "bases": ("democracy",),
        "titles": (
            "Công khai mức huy động đóng góp xây dựng công trình {work}",
            "Thông báo huy động nhân dân đóng góp làm đường giao thông {village}",
            "Công khai kết quả vận động Quỹ Vì người nghèo năm {year}",
            "Công khai thu, chi Quỹ Phòng, chống thiên tai năm {year}",
            "Công khai các khoản đóng góp tự nguyện xây dựng nông thôn mới tại {village}",
        ),
        "openers": (
            "Hội nghị nhân dân {village} thống nhất mức đóng góp {contribution} đồng/khẩu để xây dựng {work}.",
            "Tổng số tiền vận động được {amount}; đã chi {amount_2} cho các hoạt động theo quy định.",
        ),
        "details": (
            "Các hộ nghèo, hộ chính sách được miễn đóng góp.",
            "Ban phát triển {village} công khai thu, chi tại nhà văn hóa sau khi hoàn thành công trình.",
        ),
        "items": (
            "Mức đóng góp: {contribution} đồng/khẩu, tự nguyện.",
            "Tổng số tiền huy động được: {amount}.",
            "Các hộ nghèo, hộ cận nghèo, gia đình chính sách được miễn đóng góp.",
        ),
    },
    "inspection": {
        "documents": (("Kết luận thanh tra", "KL-TTr"), ("Kết luận", "KL-UBND")),
        "bases": ("inspection",),
        "titles": (
            "Kết luận thanh tra về quản lý đất công ích tại {commune_label}",
            "Kết luận thanh tra việc quản lý, sử dụng ngân sách năm {previous_year}",
            "Kết luận kiểm tra việc thực hiện chính sách bồi thường dự án {project}",
            "Kết luận thanh tra việc giải quyết đơn của công dân {village}",
            "Kết luận thanh tra công tác quản lý đầu tư xây dựng công trình {work}",
        ),
        "openers": (
            "Đoàn thanh tra phát hiện {violations} sai phạm, kiến nghị thu hồi {amount} nộp ngân sách.",
            "Kết luận thanh tra nêu ưu điểm, tồn tại và yêu cầu {committee} khắc phục trong {months} tháng.",
        ),
        "details": (
            "Yêu cầu kiểm điểm trách nhiệm tập thể, cá nhân có liên quan.",
            "{committee} báo cáo kết quả khắc phục trước ngày {end}.",
        ),
        "items": (
            "Số sai phạm phát hiện: {violations}.",
            "Kiến nghị thu hồi nộp ngân sách: {amount}.",
            "Yêu cầu tổ chức kiểm điểm, rút kinh nghiệm và chấn chỉnh công tác quản lý.",
        ),
    },
    "village_convention": {
        "documents": (("Quyết định", "QĐ-UBND"), ("Thông báo", "TB-UBND")),
        "bases": ("convention",),
        "titles": (
            "Dự thảo {convention} {village}",
            "Lấy ý kiến nhân dân về dự thảo {convention} {village} (sửa đổi, bổ sung)",
            "Công khai {convention} {village} đã được công nhận",
            "Dự thảo {convention} {village} về nếp sống văn minh trong việc cưới, việc tang",
        ),
        "openers": (
            "Dự thảo {convention} {village} gồm {chapters} chương, {articles} điều, quy định về nếp sống văn minh, "
            "giữ gìn an ninh trật tự và vệ sinh môi trường.",
            "{committee} niêm yết dự thảo {convention} để nhân dân {village} tham gia góp ý.",
        ),
        "details": (
            "Ý kiến góp ý gửi Ban soạn thảo qua {village_head}.",
            "Hội nghị thông qua dự kiến tổ chức sau khi kết thúc thời gian lấy ý kiến.",
        ),
        "items": (
            "Dự thảo gồm {chapters} chương, {articles} điều.",
            "Nội dung chính: việc cưới, việc tang, lễ hội; giữ gìn vệ sinh môi trường; khuyến học.",
            "Hình thức góp ý: phiếu góp ý, hộp thư góp ý tại nhà văn hóa hoặc trực tiếp tại hội nghị.",
        ),
    },
    "personnel": {
        "documents": (("Thông báo", "TB-UBND"), ("Quyết định", "QĐ-UBND")),
        "bases": ("personnel",),
        "titles": (
            "Thông báo tuyển dụng công chức {commune_label} năm {year}",
            "Công khai kết quả bầu trưởng thôn, tổ trưởng tổ dân phố nhiệm kỳ 2025–2027",
            "Quyết định phân công nhiệm vụ thành viên {committee}",
            "Thông báo lịch tiếp công dân của lãnh đạo {committee} tháng {month}/{month_year}",
            "Công khai danh sách cán bộ tiếp nhận, giải quyết phản ánh, kiến nghị của nhân dân",
            "Công khai kết quả đánh giá, xếp loại cán bộ, công chức năm {previous_year}",
        ),
        "openers": (
            "{committee} thông báo về công tác cán bộ để nhân dân biết, giám sát.",
            "Lãnh đạo {committee} tiếp công dân định kỳ vào ngày {weekday_date} hằng tháng tại trụ sở.",
        ),
        "details": (
            "Thông tin chi tiết được niêm yết tại bộ phận một cửa của {committee}.",
            "Nhân dân có ý kiến phản ánh gửi {committee} hoặc Ban Thanh tra nhân dân {kind}.",
        ),
        "items": (
            "Số vị trí, chức danh liên quan: {openings}.",
            "Thời gian tiếp nhận hồ sơ, ý kiến: trong thời gian niêm yết.",
        ),
    },
    "other": {
        "documents": (("Thông báo", "TB-UBND"), ("Kế hoạch", "KH-UBND")),
        "bases": ("democracy",),
        "titles": (
            "Thông báo lịch tiêm phòng vắc-xin cho đàn gia súc, gia cầm {season} năm {year}",
            "Thông báo lịch thu gom rác thải sinh hoạt tại {village}",
            "Thông báo kế hoạch tổ chức Đại hội thể dục thể thao {commune_label} năm {year}",
            "Thông báo về việc cấp đổi giấy chứng nhận quyền sử dụng đất tại {village}",
            "Thông báo lịch cắt điện để thi công đường dây 35kV qua {village}",
            "Công khai thủ tục hành chính thuộc thẩm quyền giải quyết của {committee}",
        ),
        "openers": (
            "{committee} thông báo để nhân dân {village} và {other_village} biết, thực hiện.",
            "Từ ngày {start}, {committee} triển khai kế hoạch trên địa bàn toàn {kind}.",
        ),
        "details": (
            "Các hộ gia đình chủ động sắp xếp thời gian, phối hợp với tổ công tác.",
            "Mọi vướng mắc phản ánh về bộ phận một cửa hoặc qua {village_head}.",
        ),
        "items": (
            "Thời gian thực hiện: từ ngày {start} đến ngày {end}.",
            "Địa bàn: {village}, {other_village} và các thôn, tổ dân phố khác trong {kind}.",
        ),
    },
}

OPINION_CATEGORIES = ("village_convention", "zoning", "socio_economic_plan", "compensation_resettlement")

WITHDRAWAL_REASONS = (
    "Thu hồi để ban hành lại do văn bản căn cứ đã được thay thế bằng {document} số {other_number}/{symbol}.",
    "Niêm yết nhầm nội dung của {other_village}; sẽ niêm yết lại bản đúng.",
    "Dự án tạm dừng triển khai theo chỉ đạo của UBND tỉnh Bắc Ninh.",
    "Phát hiện sai sót trong danh sách kèm theo; sẽ rà soát và niêm yết lại sau khi hoàn thành.",
    "Văn bản bị hủy bỏ theo Kết luận thanh tra số {other_number}/KL-TTr.",
)


def vn_number(value):
    """Format an integer the Vietnamese way: 1.234.567."""
    return f"{value:,}".replace(",", ".")


def vn_decimal(value, digits=1):
    """Format a decimal the Vietnamese way: 12.345,6."""
    whole, _, fraction = f"{value:,.{digits}f}".partition(".")
    return whole.replace(",", ".") + ("," + fraction if fraction else "")


def context_for(rng, commune, category, dates, officer):
    """Return the placeholder values for one notice."""
    village, other_village, third_village = rng.sample(commune.villages, 3)
    year = dates["issued_on"].year
    soon = dates["issued_on"] + timedelta(days=rng.randint(0, 75))
    values = {
        "commune": commune.short_name,
        "commune_label": commune.label,
        "committee": commune.people_committee,
        "committee_full": commune.people_committee_full,
        "village": village,
        "other_village": other_village,
        "third_village": third_village,
        "kind": commune.kind_label,
        "village_head": commune.village_head,
        "field_name": rng.choice(FIELD_NAMES),
        "year": year,
        "next_year": year + 1,
        "previous_year": year - 1,
        "budget_year": year + 1 if dates["issued_on"].month == 12 else year,
        "month": soon.month,
        "month_year": soon.year,
        "period": rng.choice(PERIODS),
        "occasion": rng.choice(OCCASIONS),
        "season": rng.choice(SEASONS),
        "round": rng.randint(1, 5),
        "households": rng.randint(3, 140),
        "poor": rng.randint(2, 40),
        "near_poor": rng.randint(3, 55),
        "area": vn_decimal(rng.uniform(250, 95_000)) + " m²",
        "area_2": vn_decimal(rng.uniform(100, 20_000)) + " m²",
        "area_ha": vn_decimal(rng.uniform(2, 180), 2),
        "land_type": rng.choice(LAND_TYPES),
        "amount": vn_number(rng.randint(120, 98_000) * 1_000_000) + " đồng",
        "amount_2": vn_number(rng.randint(50, 40_000) * 1_000_000) + " đồng",
        "big_amount": vn_decimal(rng.uniform(18, 160), 1) + " tỷ đồng",
        "big_amount_2": vn_decimal(rng.uniform(16, 150), 1) + " tỷ đồng",
        "price": vn_number(rng.randint(6, 120) * 5_000),
        "contribution": vn_number(rng.randint(1, 40) * 50_000),
        "percent": rng.randint(12, 55),
        "growth": vn_decimal(rng.uniform(6, 13), 1),
        "income": rng.randint(55, 98),
        "poverty": vn_decimal(rng.uniform(0.5, 4.5), 2),
        "projects": rng.randint(6, 48),
        "months": rng.randint(3, 18),
        "violations": rng.randint(2, 14),
        "chapters": rng.randint(3, 6),
        "articles": rng.randint(18, 42),
        "openings": rng.randint(1, 6),
        "weekday_date": rng.choice(("10", "15", "20", "25")),
        "convention": "quy ước" if commune.is_ward else "hương ước",
        "start": dates["posting_start"].strftime("%d/%m/%Y"),
        "end": dates["posting_end"].strftime("%d/%m/%Y"),
        "issued": dates["issued_on"].strftime("%d/%m/%Y"),
        "officer_name": officer.name,
        "officer_position": officer.position,
        "officer_phone": _local_phone(officer.phone),
    }
    values["project"] = _project(rng, values)
    values["work"] = rng.choice(WORKS).format(**values)
    return values


@lru_cache(maxsize=1024)
def _local_phone(e164):
    return format_local(e164)


def _project(rng, values):
    if rng.random() < 0.45:
        return rng.choice(PROVINCE_PROJECTS)
    return rng.choice(LOCAL_PROJECTS).format(**values)


def legal_reference(rng, category, issued_on):
    """Return a document reference such as "Quyết định số 1234/QĐ-UBND"."""
    document, symbol = rng.choice(CATEGORIES[category]["documents"])
    number = rng.randint(1, 12) * issued_on.timetuple().tm_yday // 4 + rng.randint(1, 60)
    reference = f"{document} số {number}/{symbol}"
    if symbol.endswith("-UBND") and rng.random() < 0.15:
        reference += " của UBND tỉnh Bắc Ninh"
    return reference


def _sentence_case(text):
    return text[:1].upper() + text[1:]


def write_notice(rng, commune, category, dates, officer):
    """Return title, summary, body_html, legal_reference and place of a demo notice."""
    spec = CATEGORIES[category]
    values = context_for(rng, commune, category, dates, officer)
    reference = legal_reference(rng, category, dates["issued_on"])
    title = _sentence_case(rng.choice(spec["titles"]).format(**values))
    summary = _summary(rng, spec, values, dates)
    place = _place(rng, commune, values)
    body = _body(rng, spec, values, reference, place, dates)
    return {
        "title": title[:300],
        "summary": summary,
        "body_html": body,
        "legal_reference": reference,
        "place": place,
        "other_village": values["other_village"],
    }


def _summary(rng, spec, values, dates):
    opener = _sentence_case(rng.choice(spec["openers"]).format(**values))
    detail = rng.choice(spec["details"]).format(**values)
    if dates.get("opinion_end"):
        closing = f"Hạn góp ý: đến hết ngày {dates['opinion_end']:%d/%m/%Y}."
    else:
        closing = f"Liên hệ {values['officer_name']}, điện thoại {values['officer_phone']}."
    for parts in ((opener, detail, closing), (opener, closing), (opener,)):
        summary = " ".join(parts)
        if len(summary) <= 500:
            return summary
    return opener[:500]


def _place(rng, commune, values):
    office = f"Trụ sở {values['committee']}"
    choice = rng.random()
    if choice < 0.45:
        return f"{office} và nhà văn hóa {values['village']}"
    if choice < 0.75:
        return f"Nhà văn hóa {values['village']}"
    if choice < 0.9:
        return office
    return f"{office}, nhà văn hóa {values['village']} và {values['other_village']}"


def _body(rng, spec, values, reference, place, dates):
    bases = [base for group in spec["bases"] for base in BASES[group]]
    chosen_bases = rng.sample(bases, min(len(bases), rng.randint(1, 2)))
    parts = [f"<p>Căn cứ {base};</p>" for base in chosen_bases]
    parts.append(f"<p>Căn cứ {reference} ngày {values['issued']};</p>")
    parts.append(f"<p>{values['committee_full']} thông báo:</p>")
    items = rng.sample(spec["items"], min(len(spec["items"]), rng.randint(2, 4)))
    parts.append("<ol>" + "".join(f"<li>{item.format(**values)}</li>" for item in items) + "</ol>")
    table = spec.get("table")
    if table:
        parts.append(TABLES[table](rng, values))
    parts.append(f"<p>Thời gian niêm yết: từ ngày {values['start']} đến hết ngày {values['end']} tại {place}.</p>")
    if dates.get("opinion_end"):
        parts.append(
            f"<p>Nhân dân góp ý bằng văn bản hoặc trực tiếp tại {values['committee']} "
            f"trước ngày {dates['opinion_end']:%d/%m/%Y}.</p>"
        )
    parts.append(
        f"<p>Mọi thắc mắc, kiến nghị xin liên hệ {values['officer_position']} {values['officer_name']}, "
        f"điện thoại {values['officer_phone']}, trong giờ hành chính.</p>"
    )
    return "\n".join(parts)


def _household_name(rng):
    name, honorific = person(rng)
    return f"{honorific.capitalize()} {name}"


def _table(caption, header, rows):
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _compensation_table(rng, values):
    rows = [
        (
            index,
            _household_name(rng),
            values["village"],
            vn_decimal(rng.uniform(40, 1800)),
            vn_number(rng.randint(20, 900) * 1_000_000),
        )
        for index in range(1, rng.randint(3, 6) + 1)
    ]
    return _table(
        "Danh sách hộ được bồi thường, hỗ trợ (trích)",
        ("STT", "Họ tên chủ hộ", "Địa chỉ", "Diện tích (m²)", "Số tiền (đồng)"),
        rows,
    )


def _budget_table(rng, values):
    items = (
        f"Thu ngân sách {values['kind']} hưởng theo phân cấp",
        "Thu bổ sung cân đối từ ngân sách cấp tỉnh",
        "Thu bổ sung có mục tiêu",
        "Chi đầu tư phát triển",
        "Chi thường xuyên",
        "Dự phòng ngân sách",
    )
    rows = [(index, item, vn_number(rng.randint(300, 60_000) * 1_000_000)) for index, item in enumerate(items, 1)]
    return _table("Biểu công khai (đơn vị: đồng)", ("STT", "Nội dung", "Số tiền"), rows)


def _public_land_table(rng, values):
    rows = [
        (index, _household_name(rng), values["field_name"], vn_decimal(rng.uniform(200, 5000)), "5 năm")
        for index in range(1, rng.randint(3, 5) + 1)
    ]
    return _table(
        "Danh sách hộ thuê đất công ích", ("STT", "Người thuê", "Xứ đồng", "Diện tích (m²)", "Thời hạn"), rows
    )


def _households_table(rng, values):
    kinds = ("Hộ nghèo", "Hộ cận nghèo", "Bảo trợ xã hội")
    rows = [
        (index, _household_name(rng), values["village"], rng.choice(kinds)) for index in range(1, rng.randint(4, 8) + 1)
    ]
    return _table("Danh sách kèm theo", ("STT", "Họ tên chủ hộ", "Thôn, tổ dân phố", "Diện"), rows)


TABLES = {
    "compensation": _compensation_table,
    "budget": _budget_table,
    "public_land": _public_land_table,
    "households": _households_table,
}
