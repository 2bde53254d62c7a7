from rca.cli.main import main

main()
