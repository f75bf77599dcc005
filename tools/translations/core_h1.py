T = {
    "sealing key": "khóa niêm phong",
}
