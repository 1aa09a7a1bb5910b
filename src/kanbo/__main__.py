from kanbo.cli import main

main()
