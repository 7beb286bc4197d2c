import ReadTrace

ReadTraceCommand.main()
