#if canImport(Glibc)
    import Foundation
    import Glibc

    /// Ends a server and everything in its process group at once (SIGKILL), and waits until none of them runs.
    /// What is left is at most a zombie for init to reap: it holds no socket and no file.
    public enum ProcessGroup {
        /// The state letter and process group of `pid` (from /proc/PID/stat), nil once it is gone.
        static func state(_ pid: Int32) -> (state: Character, group: Int32)? {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = text.lastIndex(of: ")")
            else { return nil }
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let state = fields[0].first, let group = Int32(fields[2]) else { return nil }
            return (state, group)
        }

        static func running(_ pid: Int32) -> Bool {
            guard let s = state(pid) else { return false }
            return s.state != "Z" && s.state != "X"
        }

        /// Processes of group `group` that still run.
        static func members(_ group: Int32) -> [Int32] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap { Int32($0) }.filter { pid in
                guard let s = state(pid) else { return false }
                return s.group == group && s.state != "Z" && s.state != "X"
            }
        }

        /// SIGKILL to the group `pid` leads (to `pid` alone if it leads none), then waits (≤ 5 s) until none of it runs.
        public static func kill(_ pid: Int32, within limit: TimeInterval = 5) {
            guard pid > 1, let first = state(pid) else { return }
            let leads = first.group == pid
            if leads { _ = killpg(pid, SIGKILL) } else { _ = Glibc.kill(pid, SIGKILL) }
            let deadline = Date().addingTimeInterval(limit)
            while running(pid), Date() < deadline { usleep(2_000) }
            guard leads else { return }
            // children of the leader (nginx's worker) got the same signal; wait for them too
            while !members(pid).isEmpty, Date() < deadline {
                _ = killpg(pid, SIGKILL)
                usleep(2_000)
            }
        }
    }
#endif
