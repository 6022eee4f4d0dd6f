extension ClientProfile {
    /// Ids of profiles the code refers to by name (every profile's id is in `Data/clients/*.json`).
    public enum ID {
        /// CloudFront connecting to an origin: the profile the CloudFront verdict, `--client` and the
        /// `--origin-protocols` setting are about.
        public static let cloudFrontOrigin = "cloudfront-origin"
    }
}
