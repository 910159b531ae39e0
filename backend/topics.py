"""General topics a question may be about when the notes do not cover it: the "rest of the world".

Each line names an everyday domain in a few words (our own text). A question about the notes comes
closer to a passage of the notes than to any of these; a question about the weather, a recipe or an
insurance claim comes closer to its topic here. Broad on purpose: no line is about a particular note.
Changing this list changes the confidence model: re-run bench/calibrate.py and update its constants.

BACKGROUND holds the same world as passages: what a page answering a question about it would say
(a forecast, a recipe, how to claim on an insurance policy). e5 was trained to bring a question
near its answer, so a question about a dish no topic line names ("잡채 만드는 법 알려줘") comes close
to a recipe, where it came barely closer to the recipe line than to a note on database backups.
Generic on purpose. One page per subject left the world thin where people ask most (a dish, a
symptom or a forecast not quite like the one page came as close to a note as to it), so pages were
added beside it, each chosen on a development half of the far-off bank (tests/data/far_off.json):
many answer one of that half's questions outright, so the half no longer measures them, while the
test halves, never used to choose, do. Which half chose which page, and the pages left out because they
refused an answerable question or moved only the questions they were written from, is in
bench/HISTORY.md (stops 29, 32, 33, 34).

Subjects people keep notes about themselves (pets, plants, hobbies, cars, work, parenting,
programming) have a topic line but no passage, so a note on them is not held against a page on the
same subject; the one exception, golf and tennis lessons, moved no answer of the vaults' notes on
lessons (skiing, swimming), and a page on back and knee pain, beside notes on running and physio,
was left out. The passages never count in the language gap (TopicAnchors.language_gap).
"""

TOPICS: tuple[str, ...] = (
    "날씨와 일기예보: 오늘과 내일의 기온, 비와 눈 소식, 미세먼지, 태풍과 장마 예보",
    "요리 레시피: 불고기, 김치찌개, 떡볶이, 볶음밥, 국과 반찬을 만드는 재료와 양념, 끓이고 볶는 순서",
    "제빵과 디저트: 빵 반죽, 발효, 오븐 온도, 케이크와 쿠키 굽는 법",
    "식당과 맛집: 음식점 추천, 메뉴, 가격, 예약과 배달 주문",
    "자동차 보험과 실손 보험: 보험료, 가입 조건, 보장 내용, 보험금 청구 방법",
    "생명 보험과 치아 보험: 보험 상품 비교, 특약, 갱신, 해지 환급금",
    "주식과 투자: 주가, 배당금, 펀드, ETF, 코인과 비트코인 시세, 수익률",
    "은행과 대출: 예금과 적금 금리, 주택담보대출, 신용대출, 이자 계산",
    "세금과 연말정산: 소득세, 세액공제, 의료비와 교육비 공제, 종합소득세 신고",
    "부동산: 아파트 매매, 전세와 월세 시세, 청약, 집값 전망",
    "건강과 질병: 감기, 두통, 복통 같은 증상과 치료, 병원 진료과, 약 복용",
    "다이어트와 운동: 체중 감량, 헬스장 근력 운동, 요가, 식단 관리",
    "피부와 미용: 여드름, 피부 관리, 화장품, 헤어스타일과 염색",
    "패션과 쇼핑: 옷 코디, 신발과 가방 브랜드, 온라인 쇼핑 할인",
    "축구와 야구: 경기 결과, 선수 이적, 리그 순위, 월드컵과 올림픽",
    "테니스, 골프, 수영 같은 생활 스포츠: 장비 고르는 법과 배우는 법",
    "한국사: 고조선, 삼국시대, 고려, 조선, 임진왜란, 일제강점기와 광복",
    "세계사: 고대 문명, 로마 제국, 세계 대전, 산업 혁명",
    "지리와 여행: 나라와 수도, 관광지, 해외여행 준비, 비행기표와 호텔 예약",
    "국내 여행: 제주도, 부산, 강릉 여행 코스와 숙소, 맛집",
    "영화와 드라마: 새로 나온 영화 추천, 배우, 줄거리, 넷플릭스와 OTT 요금제",
    "음악과 공연: 가수, 아이돌, 콘서트 티켓, 악기 연주",
    "책과 문학: 소설 추천, 작가, 시, 독서 모임",
    "게임: 롤과 배틀그라운드 같은 온라인 게임, 챔피언 추천, 콘솔 게임 공략, 캐릭터와 아이템",
    "외국어 공부: 영어 회화, 일본어와 중국어 독학, 토익과 어학 시험 준비",
    "학교와 입시: 수능, 대학 입시, 학원, 성적과 내신",
    "과학: 물리학, 양자역학, 상대성 이론, 화학 반응, 생물과 유전자",
    "우주와 천문: 태양계, 달과 행성, 블랙홀, 별자리, 우주 탐사",
    "수학: 방정식, 미적분, 확률과 통계 문제 풀이",
    "정치와 선거: 대통령, 국회, 정당, 선거 결과와 정책",
    "경제 뉴스: 환율, 물가, 금리 인상, 경기 전망, 유가",
    "법률 상식: 계약서, 소송, 이혼, 상속, 교통사고 합의와 벌금",
    "직장과 노동: 연봉 협상, 퇴직금, 연차와 휴가, 이직과 면접",
    "육아와 교육: 아기 수면, 이유식, 예방접종, 아이 공부 습관",
    "연애와 인간관계: 데이트, 고백, 친구 관계, 가족 갈등 상담",
    "종교와 철학: 불교, 기독교, 명상, 삶의 의미",
    "역사 인물: 세종대왕, 이순신, 나폴레옹, 위인의 업적",
    "유명인과 연예 뉴스: 연예인 근황, 결혼 소식, 스캔들",
    "자동차와 운전: 차량 구매, 연비, 정비와 엔진오일 교체, 운전면허",
    "대중교통: 지하철 노선, 버스 시간표, 기차 예매, 택시",
    "스마트폰과 가전: 휴대폰 기종 비교, 배터리, 노트북 추천, 냉장고와 세탁기",
    "인터넷 서비스: 이메일, 소셜 미디어, 유튜브, 계정 비밀번호 찾기",
    "프로그래밍 일반: 자바, 자바스크립트, 파이썬 문법, 알고리즘 문제, 코딩 테스트",
    "웹 개발: 리액트, 프론트엔드 프레임워크, CSS 레이아웃, HTML",
    "데이터베이스와 서버 운영: SQL 쿼리, MySQL, 캐시, 서버 모니터링",
    "클라우드: AWS, 애저, 구글 클라우드 요금과 서비스 종류",
    "인공지능: 머신러닝, 딥러닝, 챗봇, 언어 모델",
    "반려동물: 고양이와 강아지 키우기, 사료, 훈련, 동물병원, 애견 호텔",
    "식물과 정원: 화분 키우기, 물 주기, 텃밭, 꽃 가꾸기",
    "집안일과 인테리어: 청소, 빨래, 수납 정리, 가구 배치, 셀프 인테리어",
    "결혼과 행사: 결혼식 준비, 축의금, 돌잔치, 장례 절차",
    "취미와 공예: 뜨개질, 그림 그리기, 사진 촬영, 캠핑과 낚시",
    "농업과 음식 재료: 제철 과일과 채소, 쌀 농사, 김장",
    "환경과 기후: 지구 온난화, 재활용, 탄소 배출, 미세플라스틱",
    "군대와 병역: 입대, 훈련소, 복무 기간, 예비군",
    "명절과 문화: 설날, 추석, 전통 음식, 세배, 한복",
    "기념일과 선물: 생일 선물 추천, 크리스마스, 발렌타인데이",
    "동물과 자연: 야생 동물, 바다 생물, 공룡, 곤충",
    "의학 상식: 혈압, 당뇨, 콜레스테롤, 건강검진 결과 해석",
    "심리와 정신 건강: 스트레스, 불면증, 우울감, 상담",
    "weather forecast: temperature, rain, snow and storms today and tomorrow",
    "cooking recipes: ingredients and steps for soups, stews, pancakes and bread",
    "baking: sourdough starter, dough, oven temperature, cakes and cookies",
    "insurance: car, health, dental and life insurance premiums, coverage and claims",
    "personal finance: stocks, dividends, index funds, crypto prices, savings and loans",
    "taxes: income tax returns, deductions and tax rates",
    "real estate: buying a house, rent prices, mortgages",
    "health and illness: cold, flu, headache symptoms, medicine and doctors",
    "fitness and diet: weight loss, gym workouts, nutrition",
    "beauty and skin care: acne, cosmetics, hair styles",
    "fashion and shopping: clothes, shoes, online deals",
    "sports: football, soccer, baseball, basketball results, world cup and olympics winners",
    "history: ancient civilizations, wars, kings and emperors, historical events and dates",
    "geography and travel: countries, capitals, tourist attractions, flights and hotels",
    "movies and TV: film recommendations, actors, streaming services",
    "music: singers, bands, concerts, learning an instrument",
    "books and literature: novels, authors, poetry",
    "video games: walkthroughs, consoles, characters",
    "learning languages: English conversation, Japanese, exams",
    "school and university admissions, exams and grades",
    "science: physics, chemistry, biology, quantum mechanics, relativity",
    "space and astronomy: the moon, planets, distance from earth, stars, black holes",
    "mathematics: equations, calculus, probability problems",
    "politics and elections: presidents, parliaments, parties",
    "economy news: inflation, exchange rates, interest rates",
    "law: contracts, lawsuits, divorce, inheritance, traffic fines",
    "jobs and careers: salary negotiation, interviews, resignation, pensions",
    "parenting: babies, sleep, school, raising children",
    "relationships: dating, friendship, family advice",
    "religion and philosophy: meaning of life, meditation",
    "celebrities and entertainment news",
    "cars and driving: buying a car, fuel economy, maintenance, driving license",
    "public transport: subway, bus schedules, trains, taxis",
    "smartphones and electronics: phones, laptops, batteries, home appliances",
    "internet services: email, social media, youtube, password reset",
    "programming in general: java, javascript, python syntax, algorithms, coding interviews",
    "web development: react, css, html, frontend frameworks",
    "databases and servers: SQL queries, MySQL, caching, monitoring",
    "cloud computing: AWS, Azure, Google Cloud pricing and services",
    "artificial intelligence: machine learning, deep learning, chatbots",
    "pets: cats and dogs, pet food, training, vets, pet hotels",
    "gardening: houseplants, watering, vegetables, flowers",
    "housekeeping and interior design: cleaning, laundry, furniture",
    "weddings and ceremonies, funerals",
    "hobbies and crafts: knitting, drawing, photography, camping, fishing",
    "environment and climate change, recycling",
    "animals and nature: wildlife, sea creatures, dinosaurs, insects",
    "mental health: stress, insomnia, anxiety",
)

BACKGROUND: tuple[str, ...] = (
    (
        "오늘의 날씨: 전국이 대체로 흐리고 오후부터 비가 내리겠습니다. 아침 최저기온 2~8도, 낮 최고기온 "
        "11~16도. 강원 산지에는 눈이 쌓일 수 있고, 미세먼지 농도는 보통입니다."
    ),
    (
        "Weather forecast: showers moving in from the west this afternoon, clearing overnight. Highs of 14 "
        "°C, lows of 6 °C, gusty winds near the coast and a chance of snow over the hills at the weekend."
    ),
    (
        "Sunrise and sunset: in midsummer the sun sets after 8 pm and in December before 5 pm; daylight saving time "
        "moves the clocks an hour. The sky calendar lists full moons, eclipses and meteor showers."
    ),
    (
        "주간 날씨 전망: 주 후반에 장맛비가 이어지고 강수 확률은 70%로 외출할 때 우산이 필요하다. 밤사이 기온이 "
        "영하로 떨어지는 곳도 있고, 남쪽 바다에서 올라오는 태풍의 진로에 따라 바람이 강해진다. 황사와 미세먼지 예보."
    ),
    (
        "내일 출근길 날씨: 아침 기온이 뚝 떨어져 체감온도는 영하권이고, 오후부터 비 소식이 있어 우산을 챙기는 게 "
        "좋겠습니다. 주말에는 맑고 포근하겠습니다."
    ),
    (
        "미세먼지와 황사 대비: 농도가 나쁨 이상이면 외출을 줄이고 KF80 이상 보건용 마스크를 쓴다. 창문은 닫고 "
        "공기청정기를 돌리며, 외출 뒤에는 손과 얼굴을 씻는다."
    ),
    (
        "계절 소식: 벚꽃은 3월 말 제주에서 피기 시작해 4월 초에 서울까지 올라오고, 단풍은 10월 중순 설악산부터 "
        "물든다. 해가 지는 시각은 여름에 저녁 7시 반을 넘고 겨울에는 5시 반쯤이다."
    ),
    (
        "불고기 만드는 법: 소고기 불고기감 500g에 간장 5큰술, 설탕 2큰술, 다진 마늘, 배즙, 참기름을 넣고 30분 "
        "재운다. 양파와 당근을 썰어 넣고 센 불에서 물기 없이 볶는다."
    ),
    (
        "찌개 끓이는 법: 냄비에 멸치 육수를 붓고 고추장이나 된장을 풀어 끓인다. 감자, 호박, 두부, 버섯을 넣고 "
        "10분쯤 더 끓인 뒤 간을 보고 대파와 청양고추를 올린다."
    ),
    (
        "밑반찬 만들기: 멸치볶음은 마른 팬에 멸치를 볶아 비린내를 날린 뒤 간장, 물엿, 다진 마늘을 넣는다. 장조림은 "
        "소고기를 삶아 결대로 찢고 간장 양념에 졸인다. 나물은 데쳐서 소금, 다진 파, 참기름으로 무친다."
    ),
    (
        "국수와 볶음 요리: 면은 끓는 물에 삶아 찬물에 헹궈 물기를 뺀다. 비빔 양념은 고추장, 식초, 설탕, 참기름. "
        "볶음은 센 불에 기름을 두르고 고기와 채소를 빠르게 볶아 간장과 굴소스로 간을 맞춘다."
    ),
    (
        "국과 탕 끓이기: 고기는 참기름에 먼저 볶다가 물을 붓고 푹 끓인다. 뼈는 찬물에 담가 핏물을 빼고 몇 시간 "
        "고아 뽀얀 국물을 낸다. 간은 국간장과 소금으로 하고 마지막에 대파를 넣는다."
    ),
    (
        "국밥과 잔치 음식: 순댓국과 돼지국밥은 돼지 뼈 육수에 순대와 머릿고기를 넣고 새우젓과 들깨가루로 간한다. "
        "잡채는 당면을 삶아 시금치, 당근, 버섯, 고기를 따로 볶은 뒤 간장, 설탕, 참기름으로 버무린다."
    ),
    (
        "부침개와 튀김: 부침가루에 찬물을 섞어 묽게 반죽하고 채소나 해물을 넣는다. 팬에 기름을 넉넉히 두르고 얇게 "
        "펴서 중불에 앞뒤로 노릇하게 부친다. 튀김옷에는 얼음물을 쓴다."
    ),
    (
        "밥과 한 그릇 요리: 쌀은 30분 불려 밥물을 손등까지 맞춘다. 덮밥은 고기와 채소를 볶아 간장 소스를 끼얹고, "
        "김밥은 밥에 소금과 참기름으로 간해 단무지, 시금치, 달걀을 넣어 만다. 죽은 불린 쌀을 참기름에 볶다 물을 붓는다."
    ),
    (
        "양념장 황금 비율: 간장 양념은 간장, 설탕, 다진 마늘, 참기름을 2:1:1:1로 섞는다. 고추장 양념에는 고춧가루와 "
        "물엿을 더하고, 볶음 소스는 춘장이나 굴소스를 기름에 먼저 볶아 전분물로 농도를 맞춘다."
    ),
    (
        "조림 반찬: 감자조림, 두부조림, 연근조림은 간장, 물, 설탕을 넣고 중불에서 국물이 자작해질 때까지 졸인다. "
        "단맛은 설탕이나 올리고당으로 맞추고 마지막에 물엿을 넣으면 윤기가 난다. 깨를 뿌려 낸다."
    ),
    (
        "생선 굽기: 삼치나 갈치 같은 생선은 소금을 뿌려 10분 두었다가 물기를 닦고, 쌀뜨물이나 우유에 잠시 담그면 "
        "비린내가 준다. 팬을 충분히 달군 뒤 껍질 쪽부터 굽고 자주 뒤집지 않는다."
    ),
    (
        "에어프라이어 사용법: 냉동식품은 180도에서 10~15분 돌리고 중간에 한 번 뒤집는다. 감자튀김과 만두는 기름을 "
        "살짝 뿌리면 바삭하고, 고기는 기름이 빠지게 종이 호일을 깐다."
    ),
    (
        "주방 가전 안전: 전자레인지에는 금속 그릇, 은박지, 뚜껑을 닫은 용기를 넣지 않고 내열 유리나 전자레인지용 "
        "표시가 있는 용기를 쓴다. 인덕션에는 바닥이 자석에 붙는 냄비를 쓰고, 밥솥과 전기포트는 물때를 구연산으로 "
        "닦는다."
    ),
    (
        "육수 내기: 멸치와 다시마를 찬물에 넣고 끓기 시작하면 다시마를 건지고 10분 더 끓인다. 국수 국물은 국간장과 "
        "소금으로 간하고, 사골 국물은 핏물을 뺀 뼈를 여러 시간 우린다."
    ),
    (
        "Recipe: chop the onion and garlic, brown the meat in olive oil, add tomatoes and herbs and simmer "
        "for 40 minutes. Serve with rice or noodles; it keeps three days in the fridge."
    ),
    (
        "빵 굽기: 밀가루, 이스트, 소금, 물을 섞어 10분 치댄 반죽을 두 배로 부풀 때까지 발효한다. 180도로 "
        "예열한 오븐에서 25분 굽는다. 쿠키는 버터와 설탕을 먼저 크림처럼 섞는다."
    ),
    (
        "동네 맛집 추천: 점심 메뉴는 칼국수와 만두, 저녁에는 삼겹살. 가격은 1인 1만 원대, 주말에는 웨이팅이 "
        "길어서 예약하거나 배달 앱으로 주문하는 게 낫다."
    ),
    (
        "실손보험 청구 방법: 병원에서 영수증과 진료비 세부내역서를 받아 보험사 앱에 사진으로 올린다. 보장 "
        "한도와 자기부담금은 가입 시기에 따라 다르고, 갱신 때 보험료가 오른다."
    ),
    (
        "보험 상품 고르기: 진단비와 입원비, 수술비 보장 금액, 면책 기간과 감액 기간을 확인한다. 갱신형은 처음 "
        "보험료가 싸지만 나이가 들수록 오르고, 비갱신형은 납입 기간 동안 같다. 중복 보장은 실제 손해만큼만 나온다."
    ),
    (
        "Insurance explained: a policy's premium depends on age, cover and deductible. To make a claim, "
        "report the loss to the insurer, send receipts and photos, and check what the terms exclude."
    ),
    (
        "주식 투자 기초: 증권 계좌를 만들고 종목의 주가, 배당 수익률, PER을 확인한다. 한 종목에 몰지 말고 "
        "ETF로 분산한다. 코인은 변동성이 커서 잃어도 되는 돈만 넣는다."
    ),
    (
        "은행 금리 비교: 정기예금 연 3.2%, 적금 연 3.8%. 신용대출과 주택담보대출은 신용점수와 소득에 따라 "
        "금리가 정해지고, 중도상환 수수료가 붙을 수 있다."
    ),
    (
        "종합소득세 신고는 5월에 한다. 연말정산에서는 의료비, 교육비, 기부금, 신용카드 사용액을 공제받고, "
        "부양가족 공제 요건은 나이와 소득으로 따진다."
    ),
    (
        "부동산 시세: 아파트 매매가와 전세가, 월세 보증금은 지역과 평형에 따라 다르다. 청약은 무주택 기간과 "
        "통장 가입 기간으로 점수를 매긴다."
    ),
    (
        "연금과 노후 준비: 국민연금은 가입 기간과 소득에 따라 받는 돈이 정해지고, 예상 수령액은 공단 홈페이지에서 "
        "조회한다. 개인연금과 퇴직연금 계좌는 세액공제를 받고, 55세 이후 연금으로 나눠 받는다."
    ),
    (
        "Personal finance: build an emergency fund, pay off high-interest debt, then invest monthly in "
        "low-cost funds. Compare mortgage rates and read the fees before signing a loan."
    ),
    (
        "감기 증상과 치료: 콧물, 기침, 인후통, 미열이 있으면 충분히 쉬고 물을 많이 마신다. 해열진통제는 "
        "정해진 용량만 먹고, 열이 사흘 넘게 가면 병원에 간다."
    ),
    (
        "약 복용 상식: 항생제는 세균 감염에만 듣고 감기 같은 바이러스에는 효과가 없다. 처방받은 항생제는 좋아져도 "
        "정해진 기간 끝까지 먹는다. 진통제와 감기약을 함께 먹을 때는 같은 성분이 겹치지 않는지 약사에게 묻는다."
    ),
    (
        "안과와 이비인후과 증상: 눈이 가렵고 붓거나 충혈되면 안과에 간다. 목이 붓고 침을 삼키기 아프거나 귀가 "
        "아프면 이비인후과 진료를 받고, 따뜻한 물로 가글하며 푹 쉰다."
    ),
    (
        "시술과 병원비: 라식과 라섹, 임플란트, 도수치료 같은 비급여 진료는 건강보험이 안 돼서 병원마다 가격이 "
        "다르다. 상담 때 검사비와 사후 관리가 포함되는지 묻고, 심사평가원에서 비급여 진료비를 비교해 본다."
    ),
    (
        "아플 때 먹으면 좋은 음식: 목감기나 장염에는 따뜻한 죽과 꿀물처럼 부드러운 음식이 좋고, 맵고 짠 음식은 "
        "피한다. 붓기와 통증이 심하거나 열이 나면 병원 진료를 받는다."
    ),
    (
        "Common illnesses: a cold, the flu, stomach bugs and headaches usually pass with rest and fluids. See "
        "a doctor for a high fever, chest pain or symptoms that last more than a week."
    ),
    (
        "혈압과 혈당 관리: 건강검진 결과에서 수축기 혈압 140 이상, 공복혈당 126 이상이면 내과 진료를 받는다. "
        "짜게 먹지 않고 꾸준히 걷는 것이 도움이 된다."
    ),
    (
        "어르신 건강과 치매: 최근 일을 자주 잊고 같은 말을 되풀이하거나 길을 잃는 것이 치매 초기 증상일 수 있다. "
        "보건소의 치매안심센터에서 무료로 선별 검사를 받는다. 낙상 예방과 꾸준한 걷기, 사람들과의 만남이 도움이 "
        "된다."
    ),
    (
        "스트레스와 불면증: 잠들기 전 휴대폰을 멀리하고 같은 시간에 일어난다. 우울감이 2주 넘게 이어지면 "
        "정신건강의학과나 상담센터의 도움을 받는다."
    ),
    (
        "다이어트 운동: 체중 감량에는 식단 조절과 유산소 운동을 함께 한다. 근력 운동은 주 3회, 스쿼트와 "
        "플랭크부터. 요가와 필라테스는 유연성에 좋다."
    ),
    (
        "피부 관리: 세안 후 토너, 수분 크림, 선크림 순서로 바른다. 여드름은 손으로 짜지 않고, 지성 피부는 "
        "가벼운 제형을 쓴다. 염색 후에는 트리트먼트로 머릿결을 관리한다."
    ),
    (
        "Fitness and skin care: start with three full-body workouts a week, eat enough protein, sleep eight "
        "hours; wear sunscreen daily and choose products for your skin type."
    ),
    (
        "스마트폰 비교: 새 모델은 카메라, 배터리 용량, 저장 공간, 가격으로 고른다. 노트북은 무게와 램 용량, "
        "냉장고와 세탁기는 에너지 효율 등급을 본다. 할인 행사 기간에 사면 싸다."
    ),
    (
        "Tech reviews: the new phone has a brighter screen and longer battery life; the laptop is lighter but "
        "pricier. Compare headphones, TVs and home appliances by price and warranty."
    ),
    (
        "Buying guide: the best robot vacuums, air fryers and headphones of the year compared by price, "
        "battery life and reviews, with the deals worth waiting for."
    ),
    (
        "Choosing a laptop: for school and office work look at weight, battery life and at least 16 GB of "
        "memory; gaming and video editing need a dedicated graphics card. Student discounts and refurbished "
        "models save money."
    ),
    (
        "옷 코디와 쇼핑: 계절별 코트, 니트, 청바지 조합. 신발과 가방 브랜드의 신상품과 온라인 쇼핑몰 할인 "
        "쿠폰, 반품과 교환 기간."
    ),
    (
        "택배와 온라인 주문: 배송 조회에 배달 완료로 나오는데 물건이 없으면 택배 기사와 고객센터에 먼저 묻고, "
        "분실이나 파손은 사진을 찍어 판매자에게 교환이나 환불을 요청한다. 단순 변심 반품은 받은 날부터 7일 안에 "
        "신청한다."
    ),
    (
        "생활 꿀팁: 겨울철 정전기는 가습기로 습도를 높이고 섬유유연제를 쓰면 줄어든다. 냉장고 냄새는 베이킹소다나 "
        "커피 찌꺼기를 넣어 두면 빠지고, 옷에 묻은 얼룩은 마르기 전에 찬물로 두드려 뺀다."
    ),
    (
        "집 벌레와 물린 자국: 바퀴벌레는 먹이형 살충제를 싱크대 밑 틈새에 두고, 초파리는 식초와 주방세제를 섞은 "
        "트랩으로 잡는다. 빈대나 벼룩, 모기에 물려 가려우면 긁지 말고 찬물로 씻은 뒤 가려움 연고나 항히스타민제를 "
        "쓴다. 심하면 방역 업체를 부른다."
    ),
    (
        "전기요금 아끼기: 에어컨은 희망 온도를 26도쯤에 맞추고 선풍기와 같이 틀며, 자주 껐다 켜지 않는다. 여름에는 "
        "누진 구간을 넘지 않게 사용량을 보고, 쓰지 않는 가전은 플러그를 뽑아 대기전력을 막는다."
    ),
    (
        "빨래와 옷 관리: 세탁 라벨을 먼저 확인한다. 패딩은 중성세제를 풀어 울 코스로 빨고 탈수는 약하게 한 뒤 "
        "건조기에서 테니스공과 함께 돌리거나 말린 뒤 두드려 부풀린다. 니트는 손세탁해 뉘어서 말리고, 흰 옷은 따로 "
        "빤다."
    ),
    (
        "Stain removal: blot red wine or coffee on a carpet with cold water and a drop of dish soap, never rub; "
        "baking soda lifts grease and smells, and a paste of vinegar and baking soda cleans an oven."
    ),
    (
        "프로야구와 축구 소식: 어제 경기 결과와 리그 순위, 선수 이적 소식. 국가대표팀은 다음 달 월드컵 예선을 "
        "치르고, 올림픽 메달 순위도 발표됐다."
    ),
    (
        "Sports results: the home side won 2-1 with a late goal; the league table, transfer news, the tennis "
        "and golf tournaments and the next Olympic Games schedule."
    ),
    (
        "골프와 테니스 배우기: 처음에는 레슨을 주 2회씩 10회쯤 받아 자세를 잡고, 장비는 빌리거나 중고로 시작한다. "
        "골프는 연습장에서 7번 아이언부터, 테니스는 포핸드 스트로크부터 배운다. 레슨비는 강사와 시설에 따라 다르다."
    ),
    (
        "이번 주 개봉 영화와 드라마: 줄거리, 출연 배우, 평점. OTT 요금제 비교와 새로 공개된 시리즈. 아이돌 "
        "그룹의 컴백과 콘서트 티켓 예매 일정."
    ),
    (
        "Movies, music and celebrities: the week's new releases and reviews, streaming picks, a band's tour "
        "dates, award winners and celebrity news."
    ),
    "책 추천: 올해 많이 읽힌 소설과 에세이, 작가의 신작, 독서 모임에서 함께 읽기 좋은 책. 시집과 고전 문학 입문서.",
    (
        "한국어 맞춤법과 띄어쓰기: '되'와 '돼'는 '되어'를 넣어 말이 되면 '돼'를 쓴다. '안'은 '아니'의 준말이고 '않'은 "
        "'아니하'의 준말이다. 존댓말과 반말, 표준어와 사투리, 외래어 표기법."
    ),
    "게임 공략: 온라인 게임의 캐릭터 육성, 아이템 조합, 챔피언 티어 정리. 콘솔 게임의 보스 공략과 숨겨진 요소.",
    (
        "한국사 정리: 고조선, 삼국시대, 통일신라, 고려, 조선의 건국과 주요 사건. 임진왜란, 병자호란, "
        "일제강점기와 광복, 역사 인물 세종대왕과 이순신."
    ),
    (
        "World history and geography: ancient Egypt, the Roman Empire, the world wars and the industrial "
        "revolution; countries, capitals, rivers and mountains."
    ),
    (
        "World records and facts: Mount Everest is the tallest mountain at 8,849 m, the Burj Khalifa in Dubai the "
        "tallest building at 828 m and the Nile the longest river. Time zones, how many players a team fields, famous "
        "paintings and who made them."
    ),
    (
        "과학 상식: 물은 100도에서 끓고, 빛은 1초에 약 30만 km를 간다. 지구는 태양 주위를 1년에 한 바퀴 돈다. "
        "블랙홀, 행성, 별자리와 우주 탐사, 유전자와 화학 반응."
    ),
    (
        "Science explained: gravity, atoms, evolution, the solar system and how stars are born and die; "
        "physics and chemistry homework help."
    ),
    (
        "우주와 천문 상식: 달까지의 거리는 약 38만 km, 태양까지는 1억 5천만 km다. 국제우주정거장은 90분마다 지구를 한 "
        "바퀴 돌고, 우주비행사는 벽에 묶은 침낭에서 잔다. 블랙홀은 중력이 너무 강해 빛도 빠져나오지 못한다."
    ),
    (
        "동물과 곤충의 한살이: 나비는 알, 애벌레, 번데기를 거쳐 어른벌레가 되고, 개구리는 올챙이에서 자란다. 코끼리와 "
        "기린은 하루에 몇 시간만 자고, 곰과 다람쥐는 겨울잠을 잔다. 철새는 가을에 따뜻한 남쪽으로 날아가고, 연어는 "
        "태어난 강으로 돌아와 알을 낳는다."
    ),
    "수학 문제 풀이: 이차방정식의 근의 공식, 미분과 적분, 확률과 통계. 예제와 함께 단계별로 푼다.",
    "정치와 경제 뉴스: 대통령 선거와 국회, 정당 지지율. 환율, 물가 상승률, 기준금리 인상과 경기 전망, 국제 유가.",
    "법률 상담: 계약서 작성 시 주의할 점, 소송 절차, 이혼과 양육권, 상속 순위, 교통사고 합의금과 벌금.",
    (
        "News and law: elections, government policy, inflation and interest rates; tenant rights, contracts, "
        "divorce, wills and traffic fines explained."
    ),
    (
        "층간소음과 이웃 민원: 먼저 관리사무소를 통해 알리고, 해결되지 않으면 이웃사이센터에 상담과 소음 측정을 "
        "신청한다. 불법 주차, 쓰레기 무단 투기, 도로 파손은 안전신문고 앱이나 120 콜센터로 신고한다."
    ),
    (
        "관공서 서류와 과태료: 주민등록등본과 가족관계증명서는 정부24에서 바로 뗄 수 있고, 인감증명서는 신분증을 "
        "가지고 주민센터에 가야 한다. 여권은 구청 여권과에서 사진 한 장과 신분증으로 재발급한다. 과태료와 범칙금은 "
        "기한 안에 내면 깎아 주고, 늦으면 가산금이 붙는다."
    ),
    "연애와 인간관계 상담: 썸과 고백, 데이트 장소, 연인과의 다툼, 친구와 멀어졌을 때, 가족 갈등.",
    "결혼식 준비와 경조사: 예식장 예약, 축의금 액수, 돌잔치, 장례식 예절과 조의금.",
    "명절과 기념일: 설날과 추석 차례상, 세배, 한복. 생일과 크리스마스 선물 추천, 발렌타인데이.",
    "Family and relationships: dating advice, parenting tips, planning a wedding, gifts for birthdays and holidays.",
    (
        "Etiquette and speeches: how to decline an invitation politely, write a thank-you card, give a toast at a "
        "year-end party or a short wedding speech, and what to wear to a funeral."
    ),
    "종교와 철학: 불교와 기독교의 가르침, 명상하는 법, 삶의 의미에 대한 철학자들의 생각.",
    "해외여행 준비: 여권과 비자, 항공권과 호텔 예약, 환전과 여행자 보험, 유명 관광지와 현지 맛집.",
    (
        "비행기 탑승 규정: 기내 수하물은 항공사마다 7~10kg 한 개, 액체는 100ml 이하 용기를 투명 지퍼백에 담는다. "
        "위탁 수하물은 보통 23kg까지이고 보조배터리와 라이터는 기내에만 가지고 탄다. 국제선은 출발 2시간 전에 "
        "공항에 도착한다."
    ),
    "국내 여행: 부산, 강릉, 경주, 여수 여행 코스와 숙소, 가볼 만한 곳과 맛집.",
    (
        "Travel guide: the top sights, where to stay, how to get around, local food to try and the best time "
        "of year to visit."
    ),
    (
        "Travel health: beat jet lag by moving meals and sleep to the new time zone, get daylight in the morning and "
        "avoid long naps; pack sunscreen, insect repellent and any prescriptions."
    ),
)
