from letters.cli import main

main()
