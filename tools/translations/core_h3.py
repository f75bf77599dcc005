T = {
    "message id": "mã tin nhắn",
}
