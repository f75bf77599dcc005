T = {
    "The request body is larger than the limit of %(limit)s bytes (%(size)s MB); send less data in one request.": "Nội dung yêu cầu vượt quá giới hạn %(limit)s byte (%(size)s MB); hãy gửi ít dữ liệu hơn trong một yêu cầu.",
    "The request has more than %(limit)s fields or files; send fewer.": "Yêu cầu có nhiều hơn %(limit)s trường hoặc tệp; hãy gửi ít hơn.",
}
