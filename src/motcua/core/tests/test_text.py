from django.test import SimpleTestCase

from motcua.core.text import fold, nfc, search_terms


class FoldTests(SimpleTestCase):
    def test_fold_drops_diacritics_and_d_stroke(self):
        self.assertEqual(fold("Đăng ký khai sinh"), "dang ky khai sinh")
        self.assertEqual(fold("ĐỒNG THÁP  Ngã   Bảy"), "dong thap nga bay")

    def test_fold_accepts_decomposed_input(self):
        decomposed = "Nga\u0303 Ba\u0309y"
        self.assertEqual(fold(decomposed), "nga bay")

    def test_nfc_composes(self):
        self.assertEqual(nfc(" Nga\u0303 Ba\u0309y "), "Ngã Bảy")

    def test_search_terms_split_and_drop_punctuation(self):
        self.assertEqual(search_terms("  Khai-sinh, ĐĂNG ký! "), ["khai", "sinh", "dang", "ky"])
        self.assertEqual(search_terms("2.000635"), ["2.000635"])
