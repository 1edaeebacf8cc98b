import CasefileCLI
import Foundation

// casefilectl: query and steer casefiled over its Unix socket. The commands
// live in CasefileCLI; this only runs them and exits with their status
// (0 done, 1 the daemon refused or failed, 2 usage, 3 cannot reach the daemon).
exit(Casefilectl.execute(Array(CommandLine.arguments.dropFirst())))
