"""第7条第5号: credentials with a value, internal addresses, admin pages."""

from __future__ import annotations

import pytest


class TestCredentials:
    @pytest.mark.parametrize(
        ("text", "label", "value"),
        [
            ("会場Wi-FiのSSIDはhh-guest、パスワードはhh2026guest", "パスワード", "hh2026guest"),
            ("ログインID：staff0142", "ログインID", "staff0142"),
            ("認証コードは「583920」です", "認証コード", "583920"),
            ("APIキー=sk-abc123def456 を設定", "APIキー", "sk-abc123def456"),
            ("PWD: Kk#2026", "PWD", "Kk#2026"),
            ("暗証番号：４８２９", "暗証番号", "４８２９"),
            ("ﾊﾟｽﾜｰﾄﾞはＳａｋｕｒａ＃７７", "ﾊﾟｽﾜｰﾄﾞ", "Ｓａｋｕｒａ＃７７"),
            ("id: abc123 で入れます", "id", "abc123"),
            ("PIN:1234", "PIN", "1234"),
            ("Wi-FiのPW→abcd1234", "PW", "abcd1234"),
            ("ゲストWi-Fiのパスはguest2026", "パス", "guest2026"),
            ("Password: Hh2026!!", "Password", "Hh2026!!"),
        ],
    )
    def test_label_with_value_is_an_error(self, ck, text: str, label: str, value: str) -> None:
        findings = ck.find(text, "security.credential")
        assert len(findings) == 1
        f = findings[0]
        assert (f.article, f.severity) == ("7-5", "error")
        span = text[f.start : f.end]
        assert span.startswith(label)
        assert span.endswith(value)

    def test_two_credentials_two_findings(self, ck) -> None:
        text = "ログインIDはhhadmin01、パスワードはSakura#77です"
        assert ck.spans(text, "security.credential") == ["ログインIDはhhadmin01", "パスワードはSakura#77"]

    @pytest.mark.parametrize(
        "text",
        [
            "パスワードを他人に教えないでください",
            "市の職員が暗証番号を聞くことはありません",
            "パスワードは8文字以上で設定してください",
            "暗証番号は4桁の数字です",
            "ログインIDとパスワードは別々に管理しましょう",
            "パスワードはLINEでは送りません",
            "パスワードの変更は https://www.city.higashihiroshima.lg.jp/pass/1234/ から",
        ],
    )
    def test_talking_about_credentials_is_fine(self, ck, text: str) -> None:
        assert ck.find(text, "security.") == []
        assert ck.articles(text) == set()

    @pytest.mark.parametrize(
        "text",
        [
            "パスポートの申請受付は2026年4月から始まります",
            "IDカードの交付は2026年度から始まります",
            "定期パスは3000円です",
            "フリーパスは1日1000円",
        ],
    )
    def test_label_inside_a_longer_word(self, ck, text: str) -> None:
        assert ck.find(text, "security.") == []


class TestInternalHosts:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("研修の資料は http://10.1.2.3/kenshu/ にあります", "http://10.1.2.3/kenshu/"),
            ("http://192.168.0.1 を開いてください", "http://192.168.0.1"),
            ("プリンタの設定は 192.168.1.20 です", "192.168.1.20"),
            ("ルーターは１９２．１６８．１．１です", "１９２．１６８．１．１"),
            ("http://localhost:8080/app を確認", "http://localhost:8080/app"),
            ("共有フォルダは http://fileserver.local/docs です", "http://fileserver.local/docs"),
        ],
    )
    def test_internal_address_is_an_error(self, ck, text: str, span: str) -> None:
        findings = ck.find(text, "security.internal_host")
        assert [(text[f.start : f.end], f.severity, f.article) for f in findings] == [(span, "error", "7-5")]

    @pytest.mark.parametrize("url", ["https://example.jp/wp-admin/", "https://www.city.higashihiroshima.lg.jp/admin/"])
    def test_admin_page_is_a_warning(self, ck, url: str) -> None:
        text = f"管理画面は {url} です"
        findings = ck.find(text, "security.internal_host")
        assert [(text[f.start : f.end], f.severity) for f in findings] == [(url, "warning")]

    @pytest.mark.parametrize(
        "text",
        [
            "公開DNSの例は8.8.8.8です",
            "アプリをバージョン1.2.3.4に更新しました",
            "詳しくは https://www.city.higashihiroshima.lg.jp/soshiki/kikaku/ をご覧ください",
            "ファイル名は report.pdf です",
        ],
    )
    def test_public_things_are_fine(self, ck, text: str) -> None:
        assert ck.find(text, "security.") == []

    def test_intranet_host_is_not_also_a_third_party_link(self, ck) -> None:
        assert ck.articles("共有フォルダは http://fileserver.local/docs です") == {"7-5"}

    def test_private_ip_link_is_not_also_a_third_party_link(self, ck) -> None:
        assert ck.articles("http://192.168.0.1 を開いてください") == {"7-5"}
