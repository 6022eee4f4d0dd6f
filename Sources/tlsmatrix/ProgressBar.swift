import Foundation

/// The one-line progress bar runs draw on standard error: `[####....] 3/10 targets · 120 handshakes · 4 s · ETA 0:09`.
enum ProgressBar {
    static func line(done: Int, total: Int, unit: String, handshakes: Int, elapsed: Double) -> String {
        let width = 24
        let filled = total == 0 ? width : width * min(done, total) / total
        var eta = "--:--"
        if done > 0, done < total {
            let remaining = Int(elapsed / Double(done) * Double(total - done))
            eta = String(format: "%d:%02d", remaining / 60, remaining % 60)
        } else if done >= total {
            eta = "0:00"
        }
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        return "\r\u{1B}[2K[\(bar)] \(done)/\(total) \(unit) · \(handshakes) handshakes · \(String(format: "%.0f", elapsed)) s · ETA \(eta)"
    }
}
