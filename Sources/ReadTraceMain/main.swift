import ReadTrace
try smoke()
