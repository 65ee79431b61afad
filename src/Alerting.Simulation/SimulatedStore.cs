namespace Alerting.Simulation;

/// <summary>One live promotion of a simulated store: 满<see cref="Threshold"/>减<see cref="Amount"/>.</summary>
/// <param name="ShopId">Store the promotion belongs to.</param>
/// <param name="Id">Promotion id, unique within the store (e.g. <c>d11-main</c>).</param>
/// <param name="Name">Name agents use (e.g. 双11狂欢满减).</param>
/// <param name="Aliases">Other names agents use for it (e.g. 双11满减).</param>
/// <param name="Threshold">Spend threshold in yuan (满X).</param>
/// <param name="Amount">Discount in yuan (减Y).</param>
/// <param name="Start">Start, Beijing time (+08:00).</param>
/// <param name="End">End, Beijing time (+08:00); always after the last generated message.</param>
public sealed record SimulatedPromotion(
    string ShopId,
    string Id,
    string Name,
    IReadOnlyList<string> Aliases,
    int Threshold,
    int Amount,
    DateTimeOffset Start,
    DateTimeOffset End)
{
    /// <summary>The terms as a correct agent states them, e.g. <c>满300减50</c>.</summary>
    public string Terms => FormatTerms(Threshold, Amount);

    public static string FormatTerms(int threshold, int amount)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"满{threshold}减{amount}");
}

/// <summary>Product category of a simulated store; decides its products and vocabulary.</summary>
public enum StoreCategory
{
    Beauty,
    Apparel,
    HomeGoods,
    Digital,
}

/// <summary>A simulated store with its human agents and live promotions.</summary>
public sealed record SimulatedStore(
    string ShopId,
    string Name,
    StoreCategory Category,
    IReadOnlyList<string> AgentIds,
    IReadOnlyList<SimulatedPromotion> Promotions);
